package koboldj.text.embeddings.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

/** Request bodies parsed by Jackson as the server does, then checked. */
class EmbeddingsRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddingsRequest parse(String body) throws Exception {
        return EmbeddingsRequest.of(JSON.readValue(body, EmbeddingsInput.class), 64);
    }

    private static String rejected(String body, String param) {
        ApiException e = assertThrows(ApiException.class, () -> parse(body));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertEquals(param, e.param());
        return e.getMessage();
    }

    @Test
    void aStringOrAListOfStringsAreTexts() throws Exception {
        EmbeddingsRequest one = parse("{\"input\": \"hello\", \"model\": \"x\"}");
        assertEquals(List.of("hello"), one.texts());
        assertNull(one.tokens());
        assertFalse(one.base64());
        assertEquals(List.of("a", "b"), parse("{\"input\": [\"a\", \"b\"]}").texts());
    }

    @Test
    void tokenIdsAreOneInputAndListsOfThemAreSeveral() throws Exception {
        EmbeddingsRequest one = parse("{\"input\": [1, 2, 3]}");
        assertNull(one.texts());
        assertEquals(1, one.tokens().size());
        assertArrayEquals(new int[] {1, 2, 3}, one.tokens().get(0));
        EmbeddingsRequest two = parse("{\"input\": [[1, 2], [3]]}");
        assertEquals(2, two.tokens().size());
        assertArrayEquals(new int[] {3}, two.tokens().get(1));
    }

    @Test
    void encodingFormatIsFloatOrBase64() throws Exception {
        assertTrue(parse("{\"input\": \"a\", \"encoding_format\": \"base64\"}").base64());
        assertFalse(parse("{\"input\": \"a\", \"encoding_format\": \"float\"}").base64());
        rejected("{\"input\": \"a\", \"encoding_format\": \"int8\"}", "encoding_format");
        rejected("{\"input\": \"a\", \"encoding_format\": 3}", "encoding_format");
    }

    @Test
    void dimensionsMustBeTheModelsOwn() throws Exception {
        parse("{\"input\": \"a\", \"dimensions\": 64}");
        assertTrue(rejected("{\"input\": \"a\", \"dimensions\": 32}", "dimensions").contains("64"));
        rejected("{\"input\": \"a\", \"dimensions\": \"64\"}", "dimensions");
        rejected("{\"input\": \"a\", \"dimensions\": 0}", "dimensions");
    }

    @Test
    void wrongShapesAreRefusedWithTheFieldNamed() {
        rejected("{}", "input");
        rejected("{\"input\": null}", "input");
        rejected("{\"input\": []}", "input");
        rejected("{\"input\": 5}", "input");
        rejected("{\"input\": {\"text\": \"a\"}}", "input");
        rejected("{\"input\": [\"a\", 1]}", "input");
        rejected("{\"input\": [1.5, 2]}", "input");
        rejected("{\"input\": [[1, 2], \"a\"]}", "input");
        rejected("{\"input\": [[1, \"a\"]]}", "input");
        rejected("{\"input\": [99999999999]}", "input");
        assertThrows(ApiException.class, () -> EmbeddingsRequest.of(null, 64));
    }
}
