package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Rewrites the Jinja that jinjava's parser reads otherwise than Jinja into equivalents it reads
 * alike: the reversing slice {@code xs[::-1]} becomes {@code xs|reverse}, and keyword arguments of
 * {@code namespace(...)} get parentheses, since jinjava binds {@code n=xs|length - 1} as
 * {@code (n=xs|length) - 1}. (Both are rewritten inside string literals too; chat templates have
 * none there.)
 */
final class JinjavaDialect {
    private static final Pattern REVERSED = Pattern.compile("\\[::-1\\]");
    private static final String NAMESPACE = "namespace(";

    private JinjavaDialect() {
    }

    static String rewrite(String template) {
        return parenthesiseNamespaceArguments(REVERSED.matcher(template).replaceAll("|reverse"));
    }

    private static String parenthesiseNamespaceArguments(String template) {
        StringBuilder out = new StringBuilder(template.length() + 16);
        int from = 0;
        for (int at = template.indexOf(NAMESPACE); at >= 0; at = template.indexOf(NAMESPACE, from)) {
            int open = at + NAMESPACE.length();
            int close = closingParenthesis(template, open);
            if (close < 0) {
                break;
            }
            out.append(template, from, open).append(parenthesised(template.substring(open, close))).append(')');
            from = close + 1;
        }
        return out.append(template.substring(from)).toString();
    }

    /** {@code a=x, b=y|f - 1} as {@code a=(x), b=(y|f - 1)}; arguments without a name stay as they are. */
    private static String parenthesised(String arguments) {
        StringBuilder out = new StringBuilder();
        int start = 0;
        for (int end : topLevelCommas(arguments)) {
            out.append(start == 0 ? "" : ",").append(argument(arguments.substring(start, end)));
            start = end + 1;
        }
        return out.toString();
    }

    private static String argument(String argument) {
        int equals = argument.indexOf('=');
        boolean named = equals > 0 && argument.substring(0, equals).strip().matches("[A-Za-z_][A-Za-z0-9_]*")
                && !argument.startsWith("=", equals + 1);
        return named ? argument.substring(0, equals + 1) + "(" + argument.substring(equals + 1) + ")" : argument;
    }

    /** Positions of the commas between arguments, and the end. */
    private static int[] topLevelCommas(String arguments) {
        List<Integer> commas = new ArrayList<>();
        int[] depth = {0};
        outsideQuotes(arguments, 0, (i, c) -> {
            if (c == '(' || c == '[' || c == '{') {
                depth[0]++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth[0]--;
            } else if (c == ',' && depth[0] == 0) {
                commas.add(i);
            }
            return false;
        });
        commas.add(arguments.length());
        return commas.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The index of the parenthesis closing the one before {@code from}, or -1. */
    private static int closingParenthesis(String text, int from) {
        int[] depth = {1};
        return outsideQuotes(text, from, (i, c) -> {
            if (c == '(') {
                depth[0]++;
            }
            return c == ')' && --depth[0] == 0;
        });
    }

    private interface CharStep {
        /** @return true to stop at this character */
        boolean at(int index, char c);
    }

    /** Feeds {@code step} the characters from {@code from} on that lie outside quoted strings; where it stops, or -1. */
    private static int outsideQuotes(String text, int from, CharStep step) {
        char quote = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (step.at(i, c)) {
                return i;
            }
        }
        return -1;
    }
}
