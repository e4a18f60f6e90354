package koboldj.webui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

/**
 * The whole page — every file the bundle serves — stays under 300 KB gzipped, as Jetty's gzip
 * handler sends it. The browser test measures what one load transfers; this one holds at build
 * time for every file, also those a load does not fetch.
 */
class WebUiWeightTest {
    private static final Path FILES = Path.of("src", "main", "resources", "webui");
    private static final long LIMIT = 300 * 1024;

    @Test
    void everyFileTogetherIsUnder300KilobytesGzipped() throws IOException {
        List<Path> files;
        try (var listing = Files.list(FILES)) {
            files = listing.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("index.html")), "the page is there: " + files);
        long total = 0;
        for (Path file : files) {
            total += gzipped(file);
        }
        System.out.printf("web UI: %d files, %d bytes gzipped%n", files.size(), total);
        assertTrue(total < LIMIT, "the web UI's files are " + total + " bytes gzipped, over " + LIMIT);
    }

    private static long gzipped(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(file); GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            in.transferTo(gzip);
        }
        return out.size();
    }
}
