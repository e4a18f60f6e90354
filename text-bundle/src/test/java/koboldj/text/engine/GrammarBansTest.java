package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.text.sampling.SamplerCatalog;

/**
 * A grammar that forbids the model's favourite next token (here every comma and full stop) makes
 * the engine draw again under the grammar's mask at nearly every step; that redraw keeps the
 * request's bans, here every token holding an 'e'.
 */
class GrammarBansTest extends WithTestModel {

    @Test
    void aRedrawUnderTheGrammarKeepsTheBannedCharacters() throws Exception {
        try (TextEngine engine = new TextEngine(model, new EngineSettings(1, 1, 1, 512, 64, 1, 1, 1, true),
                new SamplerCatalog())) {
            for (long seed = 1; seed <= 3; seed++) {
                GenerationRequest request = new GenerationRequest("Once upon a time", "", 40, 512, List.of(), false, false,
                        false, false, seed, null, 0, new SamplerSettings(List.of(), Map.of("banned_tokens", List.of("e"))),
                        "root ::= [a-z ]+", false);
                String text = engine.submit(request, GenerationListener.NONE).result().toCompletableFuture()
                        .get(60, TimeUnit.SECONDS).text();
                assertFalse(text.isEmpty(), "seed " + seed);
                assertFalse(text.toLowerCase(Locale.ROOT).contains("e"), "seed " + seed + ": " + text);
            }
        }
    }
}
