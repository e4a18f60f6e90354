package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code --ttsmodel espeak-ng} on a machine without espeak-ng's library: the server says in one
 * line which Debian packages to install, and serves on with speech off. The library is hidden from
 * the server alone by mounting an empty file over it in a mount namespace of its own (root, as the
 * tests run on the project's machines and in CI).
 */
class TtsWithoutEspeakE2EIT {

    @Test
    void theServerNamesThePackagesInOneLineAndServesOn() throws Exception {
        TtsE2EIT.requireEspeak(); // installed, so that hiding it is what this test shows
        String hide = "mount --bind /dev/null \"$(readlink -f " + TtsE2EIT.ESPEAK + ")\" && exec \"$@\"";
        try (ServerProcess server = ServerProcess.startWrapped(List.of("unshare", "--mount", "sh", "-c", hide, "hide-espeak"),
                "--ttsmodel", "espeak-ng")) {
            assertTrue(PlatformE2EIT.within(60_000, () -> server.output().contains("apt-get install")), server.output());
            List<String> advice = server.output().lines().filter(line -> line.contains("apt-get install")).toList();
            assertEquals(1, advice.size(), server.output());
            assertTrue(advice.get(0).contains("libespeak-ng1 espeak-ng-data") && advice.get(0).contains("--ttsmodel"), advice.get(0));
            assertFalse(json(server.get("/api/extra/version")).path("tts").asBoolean());
            assertTrue(error(server.post("/api/extra/tts", "{\"input\":\"Hi.\"}"), 503).path("error").path("message").asText()
                    .contains("--ttsmodel"));
        }
    }
}
