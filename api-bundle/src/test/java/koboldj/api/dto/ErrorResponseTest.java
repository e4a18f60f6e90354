package koboldj.api.dto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;

class ErrorResponseTest {

    @Test
    void carriesTheSameFactsInBothShapes() {
        ErrorResponse body = ErrorResponse.of(ApiException.badRequest("top_p", "'top_p' must be at most 1."));
        assertEquals("'top_p' must be at most 1.", body.detail().msg());
        assertEquals("invalid_request_error", body.detail().type());
        assertEquals("Bad request", body.detail().error());
        assertEquals("'top_p' must be at most 1.", body.error().message());
        assertEquals("top_p", body.error().param());
        assertEquals(400, body.error().code());
    }

    @Test
    void busyIsKoboldCppsSentence() {
        ErrorResponse body = ErrorResponse.of(ApiException.busy());
        assertEquals("Server is busy; please try again later.", body.detail().msg());
        assertEquals("service_unavailable", body.detail().type());
        assertEquals(503, body.error().code());
    }
}
