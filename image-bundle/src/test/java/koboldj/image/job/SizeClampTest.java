package koboldj.image.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.image.ImageRequest;

/** --sdclamped and --sdclampedsoft scale a request down keeping its aspect, as KoboldCpp does. */
class SizeClampTest {

    private static ImageRequest sized(int width, int height) {
        return new ImageRequest("a cat", "", width, height, 20, 7, 1, "", "", 1, 1, 1, null, Map.of());
    }

    private static String size(ImageRequest request) {
        return request.width() + "x" + request.height();
    }

    @Test
    void theLongestSideIsHeldToTheClampKeepingTheAspect() {
        SizeClamp clamp = new SizeClamp(512, 0);
        assertEquals("512x384", size(clamp.apply(sized(1024, 768), 8)));
        assertEquals("384x512", size(clamp.apply(sized(768, 1024), 8)));
        assertEquals("512x512", size(clamp.apply(sized(1024, 1024), 8)));
        // 1000 / 3 = 341.3: 344 keeps 3:1 nearer than 336
        assertEquals("512x168", size(clamp.apply(sized(1024, 336), 8)));
        ImageRequest small = sized(512, 256);
        assertSame(small, clamp.apply(small, 8), "a request that fits is kept as it is");
        // KoboldCpp's smallest side
        assertEquals("512x64", size(clamp.apply(sized(1024, 64), 8)));
    }

    @Test
    void theAreaLimitAllowsTradeOffsBetweenTheSides() {
        SizeClamp clamp = new SizeClamp(0, 640);
        assertEquals("512x768", size(clamp.apply(sized(512, 768), 8)), "512x768 is under 640x640");
        assertEquals("640x640", size(clamp.apply(sized(768, 768), 8)));
        ImageRequest wide = clamp.apply(sized(1024, 512), 8);
        assertTrue((long) wide.width() * wide.height() <= 640 * 640, size(wide));
        assertEquals(2.0, (double) wide.width() / wide.height(), 0.03, size(wide));
        assertEquals("904x448", size(wide));
    }

    @Test
    void bothLimitsTogetherAndEverythingElseKept() {
        ImageRequest asked = new ImageRequest("a dog", "blurry", 1024, 1024, 30, 5, 42, "Euler", "Karras", 2, 1, 2, null,
                Map.of("schedulers_eta", 1.0), new ImageRequest.Hires(2, 0, 0, "Latent", 0, "", 0.5));
        ImageRequest clamped = new SizeClamp(768, 640).apply(asked, 8);
        assertEquals("640x640", size(clamped));
        assertEquals(new ImageRequest(asked.prompt(), asked.negativePrompt(), 640, 640, asked.steps(), asked.cfgScale(),
                asked.seed(), asked.sampler(), asked.scheduler(), asked.batchSize(), asked.iterations(), asked.clipSkip(),
                asked.img2img(), asked.schedulerFields(), asked.hires()), clamped);
        assertEquals(64, new SizeClamp(10, 0).side(), "a clamp below 64 pixels is 64");
        assertThrows(IllegalArgumentException.class, () -> new SizeClamp(-1, 0));
        ImageRequest odd = sized(1001, 1000);
        assertSame(odd, new SizeClamp(512, 0).apply(odd, 8), "a size that is no multiple is left for the engine to refuse");
    }
}
