package koboldj.text.http.openai;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's string methods for jinjava, which otherwise calls Java's: chat templates written for
 * transformers call {@code content.strip('\n')}, {@code .startswith(...)}, {@code .split()} and
 * the like. Resolves only calls of these names on strings and leaves everything else to jinjava.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
        if (!(base instanceof String text) || !(method instanceof String name)) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = switch (name) {
            case "strip" -> strip(text, chars(args), true, true);
            case "lstrip" -> strip(text, chars(args), true, false);
            case "rstrip" -> strip(text, chars(args), false, true);
            case "startswith" -> affixes(args).stream().anyMatch(text::startsWith);
            case "endswith" -> affixes(args).stream().anyMatch(text::endsWith);
            case "upper" -> text.toUpperCase(Locale.ROOT);
            case "lower" -> text.toLowerCase(Locale.ROOT);
            case "title" -> title(text);
            case "capitalize" -> text.isEmpty() ? text
                    : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1).toLowerCase(Locale.ROOT);
            case "split" -> split(text, args.length == 0 || args[0] == null ? null : args[0].toString());
            case "replace" -> args.length >= 2 ? text.replace(String.valueOf(args[0]), String.valueOf(args[1])) : null;
            default -> null;
        };
        if (result != null) {
            context.setPropertyResolved(true);
        }
        return result;
    }

    /** The characters to strip: Python's default (null) is whitespace. */
    private static String chars(Object[] args) {
        return args.length == 0 || args[0] == null ? null : args[0].toString();
    }

    private static String strip(String text, String chars, boolean left, boolean right) {
        int start = 0;
        int end = text.length();
        while (left && start < end && strips(text.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && strips(text.charAt(end - 1), chars)) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean strips(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
    }

    /** startswith and endswith take one string or a tuple (list) of them. */
    private static List<String> affixes(Object[] args) {
        if (args.length == 0) {
            return List.of();
        }
        if (args[0] instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(args[0]));
    }

    /** Python's split: by a separator keeping empty parts, or (no separator) by runs of whitespace. */
    private static List<String> split(String text, String separator) {
        if (separator == null) {
            String stripped = text.strip();
            return stripped.isEmpty() ? List.of() : Arrays.asList(stripped.split("\\s+"));
        }
        return new ArrayList<>(Arrays.asList(text.split(Pattern.quote(separator), -1)));
    }

    private static String title(String text) {
        StringBuilder result = new StringBuilder(text.length());
        boolean wordStart = true;
        for (char c : text.toCharArray()) {
            result.append(wordStart ? Character.toUpperCase(c) : Character.toLowerCase(c));
            wordStart = !Character.isLetter(c);
        }
        return result.toString();
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // not resolved here: strings have no properties to set
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
