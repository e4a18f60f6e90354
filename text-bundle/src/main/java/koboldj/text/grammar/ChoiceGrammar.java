package koboldj.text.grammar;

import java.util.List;
import java.util.stream.Collectors;

/** A grammar whose output is exactly one of a list of strings (vLLM's {@code guided_choice}). */
public final class ChoiceGrammar {
    static final int MAX_CHOICES = 1000;

    private ChoiceGrammar() {
    }

    /** @throws GrammarException for an empty list, or one with an empty or missing string */
    public static String of(List<?> choices) {
        if (choices.isEmpty() || choices.size() > MAX_CHOICES) {
            throw new GrammarException("It must be a list of 1 to " + MAX_CHOICES + " strings.");
        }
        for (Object choice : choices) {
            if (!(choice instanceof String text) || text.isEmpty()) {
                throw new GrammarException("It must be a list of non-empty strings.");
            }
        }
        return "root ::= " + choices.stream().map(c -> Gbnf.literal((String) c)).distinct().collect(Collectors.joining(" | "))
                + "\n";
    }
}
