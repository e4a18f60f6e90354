package koboldj.api.dto;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

/**
 * The one JSON error body of koboldj. It carries the same facts twice, so that clients of either
 * API find them where they look: {@code detail} as KoboldCpp sends it and {@code error} as the
 * OpenAI API does.
 */
public record ErrorResponse(Detail detail, OpenAiError error) {

    /** KoboldCpp's shape: {@code {"detail":{"error":…,"msg":…,"type":…}}}. */
    public record Detail(String error, String msg, String type) {
    }

    /** OpenAI's shape: {@code {"error":{"message":…,"type":…,"param":…,"code":…}}}. */
    public record OpenAiError(String message, String type, String param, int code) {
    }

    public static ErrorResponse of(ErrorKind kind, String message, String param) {
        return new ErrorResponse(new Detail(title(kind), message, kind.type()),
                new OpenAiError(message, kind.type(), param, kind.status()));
    }

    public static ErrorResponse of(ApiException e) {
        return of(e.kind(), e.getMessage(), e.param());
    }

    private static String title(ErrorKind kind) {
        String name = kind.name().replace('_', ' ').toLowerCase();
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
