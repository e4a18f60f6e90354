package koboldj.audio.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class VoiceCatalogTest {
    private final VoiceCatalog catalog = new VoiceCatalog(List.of("de", "en-gb-x-rp", "en-us"),
            List.of("Alex", "f1", "f2", "f3", "f4", "f5", "m1", "m2", "m3", "m4", "m6", "m7"));

    @Test
    void openAisAndKoboldCppsVoicesAreElevenDistinctEspeakVoices() {
        Set<String> played = new HashSet<>();
        for (String name : List.of("alloy", "echo", "fable", "onyx", "nova", "shimmer", "kobo", "cheery", "sleepy", "shouty",
                "chatty")) {
            Optional<String> voice = catalog.resolve(name);
            assertTrue(voice.isPresent(), name);
            played.add(voice.get());
        }
        assertEquals(11, played.size(), played.toString());
    }

    @Test
    void aWavEndingIsIgnoredAsKoboldCppDoes() {
        assertEquals(catalog.resolve("kobo"), catalog.resolve("Kobo.wav"));
        assertEquals(Optional.of("de"), catalog.resolve("de.wav"));
    }

    @Test
    void espeakNamesWithAndWithoutVariantsInAnyCase() {
        assertEquals(Optional.of("de"), catalog.resolve("DE"));
        assertEquals(Optional.of("en-us+Alex"), catalog.resolve("en-US+alex"));
        assertEquals(Optional.of("en-us+m3"), catalog.resolve(" en-us+m3 "));
    }

    @Test
    void unknownNamesAndVariantsAreRefused() {
        assertEquals(Optional.empty(), catalog.resolve("fr"));
        assertEquals(Optional.empty(), catalog.resolve("en-us+nobody"));
        assertEquals(Optional.empty(), catalog.resolve("en-us+../../etc/passwd"));
        assertEquals(Optional.empty(), catalog.resolve("+m3"));
    }

    @Test
    void noNameIsTheDefaultVoice() {
        assertEquals(Optional.of("en-us"), catalog.resolve(null));
        assertEquals(Optional.of("en-us"), catalog.resolve(" "));
        assertEquals(Optional.of("de"), new VoiceCatalog(List.of("de"), List.of()).resolve(""));
    }

    @Test
    void theListNamesOpenAisAndKoboldCppsVoicesThenEspeaks() {
        assertEquals(List.of("alloy", "echo", "fable", "onyx", "nova", "shimmer", "kobo", "cheery", "sleepy", "shouty", "chatty",
                "de", "en-gb-x-rp", "en-us"), catalog.names());
    }

    @Test
    void namesWhoseEspeakVoiceIsMissingAreLeftOut() {
        VoiceCatalog german = new VoiceCatalog(List.of("de"), List.of("m3"));
        assertEquals(List.of("de"), german.names());
        assertEquals(Optional.empty(), german.resolve("alloy"));
    }
}
