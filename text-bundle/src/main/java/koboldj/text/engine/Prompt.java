package koboldj.text.engine;

import java.util.Arrays;

import koboldj.api.error.ApiException;
import koboldj.text.llama.LlamaModel;

/**
 * The tokens a generation starts from: memory (never trimmed) then the prompt, trimmed from the
 * front to fit the budget, as KoboldCpp does.
 *
 * @param tokens the prompt tokens
 * @param keep   how many leading tokens a context shift must keep (BOS and memory)
 */
record Prompt(int[] tokens, int keep) {

    /**
     * @param promptLimit at most this many of the prompt's last tokens are kept (vLLM's truncate_prompt_tokens)
     * @param addBos      whether the model's BOS token (and whatever else it adds to a text) starts the prompt
     */
    static Prompt build(LlamaModel model, String memory, String prompt, int budget, int promptLimit, boolean addBos) {
        if (prompt.isEmpty() && memory.isEmpty()) {
            throw ApiException.badRequest("prompt", "'prompt' must not be empty.");
        }
        // control-token text such as <|im_start|> becomes the token itself, as chat templates and
        // KoboldAI Lite's instruct modes expect
        int[] head = memory.isEmpty() ? new int[0] : model.tokenizeFirst(memory, addBos, true, budget - 1);
        if (head.length >= budget) {
            throw ApiException.badRequest("memory", "'memory' is " + head.length + " tokens or more; it must leave room "
                    + "in a context of " + budget + " tokens for the prompt.");
        }
        // only the end of a long prompt is tokenized: what the budget cannot hold is trimmed anyway
        int[] body = model.tokenizeLast(prompt, addBos && head.length == 0, true, Math.min(budget - head.length, promptLimit));
        int bos = model.bos();
        if (addBos && head.length == 0 && body.length > 0 && body[0] == bos) {
            head = new int[] {bos};
            body = Arrays.copyOfRange(body, 1, body.length);
        }
        int room = Math.min(budget - head.length, promptLimit);
        if (body.length > room) {
            body = Arrays.copyOfRange(body, body.length - room, body.length);
        }
        int[] tokens = new int[head.length + body.length];
        System.arraycopy(head, 0, tokens, 0, head.length);
        System.arraycopy(body, 0, tokens, head.length, body.length);
        return new Prompt(tokens, head.length);
    }
}
