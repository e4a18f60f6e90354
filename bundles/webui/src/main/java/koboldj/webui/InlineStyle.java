package koboldj.webui;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The page with its stylesheet put inline: the browser paints once the page itself has arrived,
 * without a second request first (a stylesheet blocks the first paint). The Content-Security-Policy
 * allows exactly this style by its SHA-256 hash, so no other inline style can run.
 */
final class InlineStyle {
    /** The page's link to the stylesheet, which the stylesheet's text replaces. */
    static final String LINK = "<link rel=\"stylesheet\" href=\"/webui/app.css\">";
    static final String STYLESHEET = "app.css";

    /** The page as sent and the CSP source that allows its inline style (empty when nothing was put inline). */
    record Page(byte[] html, String styleSource) {
    }

    private InlineStyle() {
    }

    /** {@code html} with {@code css} in place of its link; as it was when it has no such link. */
    static Page inline(byte[] html, byte[] css) {
        String page = new String(html, StandardCharsets.UTF_8);
        String style = new String(css, StandardCharsets.UTF_8);
        // a stylesheet holding "</" could end the style element early: such a file stays linked
        if (!page.contains(LINK) || style.contains("</")) {
            return new Page(html, "");
        }
        String inlined = page.replace(LINK, "<style>" + style + "</style>");
        return new Page(inlined.getBytes(StandardCharsets.UTF_8), "'sha256-" + sha256(css) + "'");
    }

    private static String sha256(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
