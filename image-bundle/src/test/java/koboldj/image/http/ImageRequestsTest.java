package koboldj.image.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.image.GeneratedImages;
import koboldj.api.image.ImageProgress;
import koboldj.api.image.ImageRequest;

class ImageRequestsTest {

    private static JsonFields body(String json) throws Exception {
        return JsonFields.of(ImageJson.MAPPER.readTree(json));
    }

    @Test
    void txt2imgTakesA1111sDefaultsAndFields() throws Exception {
        ImageRequest defaults = ImageRequests.txt2img(body("{}"));
        assertEquals(512, defaults.width());
        assertEquals(20, defaults.steps());
        assertEquals(7, defaults.cfgScale());
        assertEquals(-1, defaults.seed());
        assertEquals(1, defaults.clipSkip());
        assertNull(defaults.img2img());

        ImageRequest request = ImageRequests.txt2img(body("{\"prompt\": \"a cat\", \"sampler_index\": \"Euler\", \"seed\": 4294967295,"
                + " \"override_settings\": {\"CLIP_stop_at_last_layers\": 2}, \"schedulers_eta\": 0.5,"
                + " \"schedulers_timesteps_range\": [0, 500], \"detailer_enabled\": false}"));
        assertEquals("Euler", request.sampler());
        assertEquals(4294967295L, request.seed());
        assertEquals(2, request.clipSkip());
        assertEquals(Map.of("schedulers_eta", 0.5, "schedulers_timesteps_range", List.of(0, 500)), request.schedulerFields());
    }

    @Test
    void hiresFixIsReadWhenEnabledWithA1111sDefaults() throws Exception {
        assertNull(ImageRequests.txt2img(body("{\"hr_scale\": 3}")).hires(), "off unless enable_hr");
        ImageRequest.Hires defaults = ImageRequests.txt2img(body("{\"enable_hr\": true}")).hires();
        assertEquals(new ImageRequest.Hires(2, 0, 0, "", 0, "", 0.75), defaults);
        ImageRequest.Hires hires = ImageRequests.txt2img(body("{\"enable_hr\": true, \"hr_scale\": 1.5, \"hr_resize_x\": 640,"
                + " \"hr_upscaler\": \"Latent (bicubic)\", \"hr_second_pass_steps\": 8, \"hr_sampler_name\": \"Use same sampler\","
                + " \"denoising_strength\": 0.4}")).hires();
        assertEquals(new ImageRequest.Hires(1.5, 640, 0, "Latent (bicubic)", 8, "", 0.4), hires);
        assertEquals("hr_scale", assertThrows(ApiException.class,
                () -> ImageRequests.txt2img(body("{\"enable_hr\": true, \"hr_scale\": \"2\"}"))).param());
        ImageRequest.Hires extras = ImageRequests.txt2img(body("{\"enable_hr\": true, \"hr_scheduler\": \"Karras\","
                + " \"hr_prompt\": \"a dog\", \"hr_negative_prompt\": \"blurry\", \"hr_cfg\": 4.5, \"hr_distilled_cfg\": 3.5}")).hires();
        assertEquals(new ImageRequest.Hires(2, 0, 0, "", 0, "", 0.75, "Karras", "a dog", "blurry", 4.5), extras);
        ImageRequest.Hires same = ImageRequests.txt2img(body("{\"enable_hr\": true, \"hr_scheduler\": \"Use same scheduler\","
                + " \"hr_prompt\": \"\", \"hr_cfg\": null}")).hires();
        assertEquals(defaults, same, "A1111's 'same' values and an empty hr_prompt keep the first pass's");
        assertEquals("hr_cfg", assertThrows(ApiException.class,
                () -> ImageRequests.txt2img(body("{\"enable_hr\": true, \"hr_cfg\": \"high\"}"))).param());
    }

    @Test
    void img2imgReadsTheInitImageAndTheMaskFields() throws Exception {
        ImageRequest request = ImageRequests.img2img(body("{\"init_images\": [\"AAAA\"], \"mask\": \"BBBB\", \"mask_blur\": 0,"
                + " \"inpainting_mask_invert\": 1, \"inpaint_full_res\": false, \"denoising_strength\": 0.4}"));
        assertEquals("AAAA", request.img2img().initImage());
        assertEquals(0.4, request.img2img().denoisingStrength());
        assertEquals("BBBB", request.img2img().inpainting().mask());
        assertTrue(request.img2img().inpainting().invert());
        assertEquals(0, request.img2img().inpainting().maskBlur());
        assertEquals("init_images", assertThrows(ApiException.class, () -> ImageRequests.img2img(body("{}"))).param());
    }

    @Test
    void wrongTypesAreRefusedNamingTheField() throws Exception {
        assertRefused("{\"width\": \"wide\"}", "width");
        assertRefused("{\"steps\": 2.5}", "steps");
        assertRefused("{\"prompt\": 3}", "prompt");
        assertRefused("{\"cfg_scale\": true}", "cfg_scale");
        assertEquals(ErrorKind.BAD_REQUEST, assertThrows(ApiException.class, () -> JsonFields.of(ImageJson.MAPPER.readTree("[1]"))).kind());
        ApiException detailer = assertThrows(ApiException.class, () -> ImageRequests.txt2img(body("{\"detailer_model\": \"face\"}")));
        assertEquals(ErrorKind.NOT_IMPLEMENTED, detailer.kind());
        assertEquals("detailer_model", detailer.param());
    }

    @Test
    void infoIsAJsonStringWithTheSeeds() throws Exception {
        ImageRequest request = ImageRequests.txt2img(body("{\"prompt\": \"a cat\", \"batch_size\": 2}"));
        GeneratedImages result = new GeneratedImages(List.of(new byte[] {1}, new byte[] {2}), List.of(9L, 10L),
                List.of("a cat\nSeed: 9", "a cat\nSeed: 10"), "Euler a", "Automatic");
        JsonNode body = ImageJson.MAPPER.readTree("{\"prompt\": \"a cat\", \"init_images\": [\"x\"]}");
        Map<String, Object> answer = A1111Answers.images(result, request, body, "tiny");
        assertEquals(List.of("AQ==", "Ag=="), answer.get("images"));
        JsonNode info = ImageJson.MAPPER.readTree((String) answer.get("info"));
        assertEquals(9, info.path("seed").asLong());
        assertEquals(10, info.path("all_seeds").get(1).asLong());
        assertEquals("a cat\nSeed: 10", info.path("infotexts").get(1).asText());
        assertNull(((Map<?, ?>) answer.get("parameters")).get("init_images"), "pictures are not echoed");
    }

    @Test
    void progressHasA1111sShape() {
        Map<String, Object> idle = A1111Answers.progress(ImageProgress.IDLE, true);
        assertEquals(0.0, idle.get("progress"));
        assertNull(idle.get("current_image"));
        Map<String, Object> running = A1111Answers.progress(
                new ImageProgress(true, 0.5, 3, 5, 10, 0, 1, false, false, new byte[] {1, 2}), true);
        assertEquals("AQI=", running.get("current_image"));
        assertEquals(5, ((Map<?, ?>) running.get("state")).get("sampling_step"));
        assertNull(A1111Answers.progress(new ImageProgress(true, 0.5, 3, 5, 10, 0, 1, false, false, new byte[] {1}), false)
                .get("current_image"));
    }

    private static void assertRefused(String json, String field) {
        ApiException refused = assertThrows(ApiException.class, () -> ImageRequests.txt2img(body(json)));
        assertEquals(field, refused.param());
        assertEquals(ErrorKind.BAD_REQUEST, refused.kind());
    }
}
