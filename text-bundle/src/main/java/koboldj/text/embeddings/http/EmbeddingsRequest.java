package koboldj.text.embeddings.http;

import java.util.ArrayList;
import java.util.List;

import koboldj.api.error.ApiException;

/**
 * A checked embeddings request: either texts or token-id lists, and the encoding of the answer.
 *
 * @param texts  the texts to embed, or null when {@code tokens} is given
 * @param tokens the token-id inputs, or null when {@code texts} is given
 * @param base64 whether vectors are answered as base64 of little-endian float32 bytes
 */
record EmbeddingsRequest(List<String> texts, List<int[]> tokens, boolean base64) {
    private static final String INPUT_SHAPE =
            "'input' must be a string, a list of strings, a list of token ids, or a list of lists of token ids.";

    /**
     * @param dimensions the size of the model's vectors
     * @throws ApiException BAD_REQUEST naming the field that is wrong
     */
    static EmbeddingsRequest of(EmbeddingsInput in, int dimensions) {
        if (in == null) {
            throw ApiException.badRequest(null, "The body must be a JSON object with an 'input'.");
        }
        boolean base64 = base64(in.encodingFormat);
        checkDimensions(in.dimensions, dimensions);
        Object input = in.input;
        if (input == null) {
            throw ApiException.badRequest("input", "'input' is required: " + INPUT_SHAPE.substring("'input' must be ".length()));
        }
        if (input instanceof String text) {
            return new EmbeddingsRequest(List.of(text), null, base64);
        }
        if (!(input instanceof List<?> list)) {
            throw ApiException.badRequest("input", INPUT_SHAPE);
        }
        if (list.isEmpty()) {
            throw ApiException.badRequest("input", "'input' is an empty list; give at least one text to embed.");
        }
        if (list.stream().allMatch(String.class::isInstance)) {
            return new EmbeddingsRequest(list.stream().map(String.class::cast).toList(), null, base64);
        }
        if (list.stream().allMatch(Number.class::isInstance)) {
            return new EmbeddingsRequest(null, List.of(ids(list)), base64);
        }
        if (list.stream().allMatch(List.class::isInstance)) {
            List<int[]> tokens = new ArrayList<>(list.size());
            for (Object item : list) {
                tokens.add(ids((List<?>) item));
            }
            return new EmbeddingsRequest(null, tokens, base64);
        }
        throw ApiException.badRequest("input", INPUT_SHAPE);
    }

    private static int[] ids(List<?> list) {
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!(list.get(i) instanceof Integer id)) {
                throw ApiException.badRequest("input", "'input' holds " + list.get(i)
                        + " in a list of token ids; token ids are whole numbers.");
            }
            ids[i] = id;
        }
        return ids;
    }

    private static boolean base64(Object format) {
        if (format == null || "float".equals(format)) {
            return false;
        }
        if ("base64".equals(format)) {
            return true;
        }
        throw ApiException.badRequest("encoding_format", "'encoding_format' must be \"float\" or \"base64\", not " + format + ".");
    }

    private static void checkDimensions(Object requested, int dimensions) {
        if (requested == null) {
            return;
        }
        if (!(requested instanceof Integer value) || value < 1) {
            throw ApiException.badRequest("dimensions", "'dimensions' must be a positive whole number, not " + requested + ".");
        }
        if (value != dimensions) {
            throw ApiException.badRequest("dimensions", "This model's embeddings have " + dimensions
                    + " dimensions and cannot be shortened; leave out 'dimensions' or give " + dimensions + ".");
        }
    }
}
