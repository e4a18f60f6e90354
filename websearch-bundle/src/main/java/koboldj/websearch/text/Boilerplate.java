package koboldj.websearch.text;

import java.util.Locale;
import java.util.Set;

import org.jsoup.nodes.Element;

/**
 * Removes from a page what is not its text for a reader: scripts, styles, forms and embedded
 * media, and navigation, headers, footers, sidebars, cookie banners and the like, whether marked by
 * their element, their ARIA role or the words in their class and id.
 */
final class Boilerplate {
    private static final String NOT_TEXT = "script, style, noscript, template, svg, math, canvas, iframe, object, embed, "
            + "video, audio, picture, map, form, button, input, select, textarea, dialog, menu, "
            + "nav, header, footer, aside, [hidden], [aria-hidden=true], "
            + "[role=navigation], [role=banner], [role=contentinfo], [role=complementary], [role=search], "
            + "[role=menu], [role=menubar], [role=dialog], [role=alertdialog], [role=toolbar]";
    /** Words that mark a block as page furniture when they appear in its class or id. */
    private static final Set<String> FURNITURE = Set.of("nav", "navbar", "navigation", "menu", "menubar", "footer",
            "sidebar", "breadcrumb", "breadcrumbs", "cookie", "cookies", "consent", "banner", "masthead", "share",
            "sharing", "social", "related", "comments", "advert", "advertisement", "ads", "ad", "sponsored", "promo",
            "newsletter", "subscribe", "popup", "modal", "skip", "toc", "pagination", "pager");
    /** Elements that hold the content itself, never removed for their class. */
    private static final Set<String> CONTAINERS = Set.of("html", "body", "main", "article");

    private Boilerplate() {
    }

    static void remove(Element root) {
        root.select(NOT_TEXT).remove();
        for (Element element : root.select("[class], [id]")) {
            if (!CONTAINERS.contains(element.normalName()) && marksFurniture(element)) {
                element.remove();
            }
        }
    }

    private static boolean marksFurniture(Element element) {
        String names = (element.className() + " " + element.id()).toLowerCase(Locale.ROOT);
        for (String word : names.split("[\\s_-]+")) {
            if (FURNITURE.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
