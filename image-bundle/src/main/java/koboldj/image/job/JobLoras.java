package koboldj.image.job;

import java.nio.file.Path;
import java.util.List;

/**
 * The LoRAs a request's prompt asks for, checked against the model when it was queued, and the prompt without their
 * tags.
 *
 * @param prompt what the tokenizer sees
 * @param loras  the files to merge for the job, without those asked for at weight 0
 */
record JobLoras(String prompt, List<Use> loras) {

    /** One LoRA file at its text encoder and UNet strengths. */
    record Use(Path file, float textWeight, float unetWeight) {
    }

    static JobLoras none(String prompt) {
        return new JobLoras(prompt, List.of());
    }
}
