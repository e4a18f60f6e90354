package koboldj.image.prompt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Automatic1111's emphasis syntax ("Original" emphasis): {@code (text)} multiplies by 1.1, {@code [text]} divides by
 * 1.1, {@code (text:1.5)} multiplies by the number, nesting multiplies, {@code \(} {@code \)} {@code \[} {@code \]}
 * {@code \\} are literal, a bracket left open applies to the end, and {@code BREAK} as a word starts a new chunk.
 * Neighbouring runs of equal weight are joined, as A1111 joins them (which decides where words split).
 */
public final class EmphasisParser {

    private static final double ROUND = 1.1;
    private static final double SQUARE = 1 / 1.1;
    private static final Pattern TOKENS = Pattern.compile(
            "\\\\\\(|\\\\\\)|\\\\\\[|\\\\]|\\\\\\\\|\\\\|\\(|\\[|:\\s*([+-]?[.\\d]+)\\s*\\)|\\)|]|[^\\\\()\\[\\]:]+|:");
    private static final Pattern BREAK = Pattern.compile("\\s*\\bBREAK\\b\\s*", Pattern.DOTALL);

    private EmphasisParser() {
    }

    public static List<WeightedText> parse(String prompt) {
        List<String> texts = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        Deque<Integer> round = new ArrayDeque<>();
        Deque<Integer> square = new ArrayDeque<>();
        Matcher matcher = TOKENS.matcher(prompt);
        while (matcher.find()) {
            String text = matcher.group();
            String weight = matcher.group(1);
            if (text.startsWith("\\")) {
                texts.add(text.substring(1));
                weights.add(1.0);
            } else if (text.equals("(")) {
                round.push(texts.size());
            } else if (text.equals("[")) {
                square.push(texts.size());
            } else if (weight != null && !round.isEmpty() && number(weight) != null) {
                multiply(weights, round.pop(), number(weight));
            } else if (text.equals(")") && !round.isEmpty()) {
                multiply(weights, round.pop(), ROUND);
            } else if (text.equals("]") && !square.isEmpty()) {
                multiply(weights, square.pop(), SQUARE);
            } else {
                String[] parts = BREAK.split(text, -1);
                for (int i = 0; i < parts.length; i++) {
                    if (i > 0) {
                        texts.add(null);
                        weights.add(-1.0);
                    }
                    texts.add(parts[i]);
                    weights.add(1.0);
                }
            }
        }
        // A1111 applies brackets left open from the innermost outwards, in the order they were opened.
        for (int start : round.reversed()) {
            multiply(weights, start, ROUND);
        }
        for (int start : square.reversed()) {
            multiply(weights, start, SQUARE);
        }
        List<WeightedText> result = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            WeightedText next = texts.get(i) == null ? WeightedText.chunkBreakHere()
                    : new WeightedText(texts.get(i), weights.get(i), false);
            WeightedText last = result.isEmpty() ? null : result.getLast();
            if (last != null && last.weight() == next.weight()) {
                result.set(result.size() - 1, new WeightedText(last.text() + next.text(), last.weight(), last.chunkBreak()));
            } else {
                result.add(next);
            }
        }
        if (result.isEmpty()) {
            result.add(new WeightedText("", 1, false));
        }
        return result;
    }

    private static void multiply(List<Double> weights, int start, double factor) {
        for (int i = start; i < weights.size(); i++) {
            weights.set(i, weights.get(i) * factor);
        }
    }

    /** A1111 reads the weight with Python's float(); text such as "1.2.3" fails there, and counts as text here. */
    private static Double number(String text) {
        try {
            return Double.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
