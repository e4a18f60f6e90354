package koboldj.websearch.text;

import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/**
 * An element's text as a reader sees it: one line per block (paragraph, heading, list item,
 * table cell, ...), whitespace inside a line collapsed, empty lines dropped.
 */
final class PlainText implements NodeVisitor {
    private final StringBuilder text = new StringBuilder();
    private boolean pendingSpace;

    private PlainText() {
    }

    static String of(Element root) {
        PlainText visitor = new PlainText();
        root.traverse(visitor);
        return visitor.text.toString().strip();
    }

    @Override
    public void head(Node node, int depth) {
        if (node instanceof TextNode textNode) {
            append(textNode.getWholeText());
        } else if (node instanceof Element element && (element.isBlock() || element.normalName().equals("br"))) {
            lineBreak();
        }
    }

    @Override
    public void tail(Node node, int depth) {
        if (node instanceof Element element && element.isBlock()) {
            lineBreak();
        }
    }

    private void append(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                pendingSpace = true;
            } else {
                if (pendingSpace && !text.isEmpty() && text.charAt(text.length() - 1) != '\n') {
                    text.append(' ');
                }
                pendingSpace = false;
                text.append(c);
            }
        }
    }

    private void lineBreak() {
        pendingSpace = false;
        if (!text.isEmpty() && text.charAt(text.length() - 1) != '\n') {
            text.append('\n');
        }
    }
}
