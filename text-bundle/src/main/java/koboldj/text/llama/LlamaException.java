package koboldj.text.llama;

/** llama.cpp refused or failed an operation. */
public class LlamaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LlamaException(String message) {
        super(message);
    }
}
