package koboldj.audio.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.fileupload.FileItemIterator;
import org.apache.commons.fileupload.FileItemStream;
import org.apache.commons.fileupload.FileUpload;
import org.apache.commons.fileupload.FileUploadBase;
import org.apache.commons.fileupload.FileUploadException;
import org.apache.commons.fileupload.UploadContext;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

/**
 * A {@code multipart/form-data} body read whole, through Apache Commons FileUpload's streaming
 * parser: text fields (a name may repeat) and uploaded files.
 */
final class MultipartForm {
    /** A text field longer than this is not a parameter. */
    private static final int MAX_FIELD_BYTES = 64 * 1024;

    private final Map<String, List<String>> fields;
    private final Map<String, byte[]> files;

    private MultipartForm(Map<String, List<String>> fields, Map<String, byte[]> files) {
        this.fields = fields;
        this.files = files;
    }

    static MultipartForm read(String contentType, InputStream body, long maxBytes) {
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiException(ErrorKind.UNSUPPORTED_MEDIA_TYPE,
                    "The body must be multipart/form-data with the audio in a 'file' field.");
        }
        FileUpload upload = new FileUpload();
        upload.setSizeMax(maxBytes);
        Map<String, List<String>> fields = new HashMap<>();
        Map<String, byte[]> files = new HashMap<>();
        try {
            FileItemIterator items = upload.getItemIterator(new Body(contentType, body));
            while (items.hasNext()) {
                FileItemStream item = items.next();
                try (InputStream in = item.openStream()) {
                    if (item.isFormField()) {
                        byte[] value = in.readNBytes(MAX_FIELD_BYTES + 1);
                        if (value.length > MAX_FIELD_BYTES) {
                            throw ApiException.badRequest(item.getFieldName(), "'" + item.getFieldName() + "' is too long.");
                        }
                        fields.computeIfAbsent(item.getFieldName(), name -> new ArrayList<>())
                                .add(new String(value, StandardCharsets.UTF_8));
                    } else {
                        files.put(item.getFieldName(), in.readAllBytes());
                    }
                }
            }
        } catch (FileUploadException | IOException e) {
            if (e instanceof FileUploadBase.SizeLimitExceededException
                    || e.getCause() instanceof FileUploadBase.SizeLimitExceededException) {
                throw new ApiException(ErrorKind.TOO_LARGE, "The upload is larger than " + maxBytes / (1024 * 1024) + " MB.");
            }
            throw ApiException.badRequest(null, "The multipart body is malformed or cut short: " + e.getMessage());
        }
        return new MultipartForm(fields, files);
    }

    /** The file uploaded as {@code name}, or a 400 naming it. */
    byte[] file(String name) {
        byte[] file = files.get(name);
        if (file == null) {
            String hint = fields.containsKey(name) ? " It came as a text field; send it as a file." : "";
            throw ApiException.badRequest(name, "'" + name + "' is required: the audio file to transcribe." + hint);
        }
        return file;
    }

    /** The last value of a text field, or {@code absent}. */
    String text(String name, String absent) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? absent : values.getLast();
    }

    List<String> texts(String name) {
        return fields.getOrDefault(name, List.of());
    }

    private record Body(String contentType, InputStream stream) implements UploadContext {
        @Override
        public String getCharacterEncoding() {
            return StandardCharsets.UTF_8.name();
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        @Deprecated
        public int getContentLength() {
            return -1;
        }

        @Override
        public long contentLength() {
            return -1;
        }

        @Override
        public InputStream getInputStream() {
            return stream;
        }
    }
}
