package koboldj.text.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import koboldj.text.TestModel;

/** llama.cpp's grammar sampler through the binding, with the real test model's vocabulary. */
class GrammarSamplerTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModel.path(), 512, p -> { });
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void allowsExactlyTheTokensThatContinueTheGrammar() {
        try (GrammarSampler grammar = model.grammar("root ::= [0-9]+ \"!\"\n")) {
            int[] all = IntStream.range(0, model.vocabularySize()).toArray();
            boolean[] allowed = new boolean[all.length];
            int count = grammar.allowed(all, all.length, allowed);
            assertTrue(count > 0);
            for (int token : all) {
                String piece = piece(token);
                boolean expected = !piece.isEmpty() && !model.isEndOfGeneration(token) && piece.matches("[0-9]+!?");
                assertEquals(expected, allowed[token], "token " + token + " '" + piece + "'");
            }
            int digit = IntStream.range(0, all.length).filter(t -> piece(t).equals("7")).findFirst().orElseThrow();
            assertTrue(grammar.allows(digit));
            grammar.accept(digit);
            int bang = IntStream.range(0, all.length).filter(t -> piece(t).equals("!")).findFirst().orElseThrow();
            assertFalse(grammar.allows(model.eos()), "not complete before '!'");
            assertTrue(grammar.allows(bang));
            grammar.accept(bang);
            assertTrue(grammar.allows(model.eos()), "complete after '!'");
            assertFalse(grammar.allows(digit));
        }
    }

    @Test
    void aGrammarLlamaCppRejectsIsReportedNotIgnored() {
        // valid syntax, but left-recursive: b4916 returns a sampler whose grammar is NULL
        assertThrows(LlamaException.class, () -> model.grammar("root ::= root \"a\" | \"b\"\n"));
        assertThrows(LlamaException.class, () -> model.grammar("start ::= \"a\"\n"));
        // and it still works afterwards
        try (GrammarSampler grammar = model.grammar("root ::= \"ok\"\n")) {
            assertFalse(grammar.allows(model.eos()));
        }
    }

    private static String piece(int token) {
        return new String(model.piece(token, false), StandardCharsets.UTF_8);
    }
}
