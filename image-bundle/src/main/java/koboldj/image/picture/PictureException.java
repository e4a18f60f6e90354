package koboldj.image.picture;

import koboldj.api.error.ApiException;

/** Refusals of a picture a request sent, naming its field. */
final class PictureException {

    private PictureException() {
    }

    static ApiException of(String field, String problem) {
        return ApiException.badRequest(field, "'" + field + "' " + problem);
    }
}
