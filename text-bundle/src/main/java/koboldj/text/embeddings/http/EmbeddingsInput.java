package koboldj.text.embeddings.http;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of POST /v1/embeddings as OpenAI clients send it. The loosely typed fields are checked
 * by {@link EmbeddingsRequest#of}, which says exactly what is wrong with them.
 */
public class EmbeddingsInput {
    /** A string, a list of strings, a list of token ids, or a list of lists of token ids. */
    public Object input;
    public String model;
    /** "float" (the default) or "base64". */
    @JsonProperty("encoding_format")
    public Object encodingFormat;
    /** Accepted only when it equals the model's size: these vectors cannot be shortened. */
    public Object dimensions;
    public String user;
}
