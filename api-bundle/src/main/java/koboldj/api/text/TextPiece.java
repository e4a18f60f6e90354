package koboldj.api.text;

import java.util.List;

/**
 * A piece of generated text as it is released to the client.
 *
 * @param text     the text (may span several tokens when a token ended inside a UTF-8 character)
 * @param logprobs the logprobs of the tokens that produced it; empty unless requested
 */
public record TextPiece(String text, List<TokenLogprob> logprobs) {

    public TextPiece {
        logprobs = List.copyOf(logprobs);
    }
}
