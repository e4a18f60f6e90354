package koboldj.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses KoboldCpp-style arguments: {@code --flag value}, {@code --flag=value}, switches, and the
 * positional {@code [model] [port]}. With {@code --config FILE.kcpps} the file's values come first
 * and flags given on the command line win.
 *
 * @param settings what to run with
 * @param action   what the user asked for
 */
public record CommandLine(Settings settings, Action action) {

    public enum Action { RUN, HELP, VERSION }

    /** A {@link FlagType#MODEL} value that names a built-in engine rather than a file. */
    private static final Pattern ENGINE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    /** Parses {@code args}; relative paths are taken from {@code workingDirectory}. */
    public static CommandLine parse(List<String> args, Path workingDirectory) throws FlagException {
        Map<Flag, Object> given = new LinkedHashMap<>();
        int positional = 0;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return new CommandLine(Settings.defaults(), Action.HELP);
            }
            if (arg.equals("--version")) {
                return new CommandLine(Settings.defaults(), Action.VERSION);
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                Flag flag = switch (positional++) {
                    case 0 -> Flags.get("model");
                    case 1 -> Flags.get("port");
                    default -> throw new FlagException("unexpected argument '" + arg + "' (see --help)");
                };
                given.put(flag, flag.parse(arg));
                continue;
            }
            int equals = arg.indexOf('=');
            String spelling = equals > 0 ? arg.substring(0, equals) : arg;
            String inlineValue = equals > 0 ? arg.substring(equals + 1) : null;
            Flag flag = Flags.find(spelling)
                    .orElseThrow(() -> new FlagException("unknown flag " + spelling + " (see --help)"));
            Object value;
            if (inlineValue != null) {
                value = flag.parse(inlineValue);
            } else if (flag.type() == FlagType.SWITCH) {
                value = Boolean.TRUE;
            } else if (flag.type() == FlagType.OPTIONAL_INTEGER) {
                boolean hasNumber = i + 1 < args.size() && args.get(i + 1).matches("-?\\d+");
                value = hasNumber ? flag.parse(args.get(++i)) : flag.bare();
            } else if (flag.type() == FlagType.NUMBER_PAIR && i + 1 < args.size()) {
                // argparse's nargs='+': a second number may follow the first
                String numbers = args.get(++i);
                if (i + 1 < args.size() && args.get(i + 1).matches("\\d+(\\.\\d*)?([eE][+-]?\\d+)?")) {
                    numbers += " " + args.get(++i);
                }
                value = flag.parse(numbers);
            } else if (flag.type() == FlagType.FILES && i + 1 < args.size()) {
                // argparse's nargs='+': every argument up to the next flag
                List<String> files = new ArrayList<>();
                while (i + 1 < args.size() && (files.isEmpty() || !args.get(i + 1).startsWith("-"))) {
                    files.add(args.get(++i));
                }
                value = flag.parse(String.join("\n", files));
            } else if (i + 1 < args.size()) {
                value = flag.parse(args.get(++i));
            } else {
                throw new FlagException(spelling + " needs a value (see --help)");
            }
            boolean repeatable = flag.type() == FlagType.ASSIGNMENT || flag.type() == FlagType.FILES;
            given.merge(flag, value, (before, added) -> repeatable ? before + "\n" + added : added);
        }

        Settings settings = Settings.defaults();
        Object config = given.get(Flags.get("config"));
        if (config != null && !config.toString().isBlank()) {
            Path file = checkedPath(Flags.get("config"), config.toString(), workingDirectory);
            settings = KcppsFile.read(file, settings);
        }
        for (Map.Entry<Flag, Object> entry : given.entrySet()) {
            settings = settings.with(entry.getKey().name(), entry.getValue());
        }
        return new CommandLine(TextModelFiles.expanded(absolutePaths(settings, workingDirectory)), Action.RUN);
    }

    /** Makes every path flag absolute and checks that the ones that must exist do. */
    static Settings absolutePaths(Settings settings, Path base) throws FlagException {
        for (Flag flag : Flags.all()) {
            String value = settings.text(flag.name());
            if (flag.type() == FlagType.MODEL && ENGINE_NAME.matcher(value).matches()) {
                continue;
            }
            if ((flag.type() == FlagType.PATH || flag.type() == FlagType.FILE || flag.type() == FlagType.MODEL) && !value.isBlank()) {
                settings = settings.with(flag.name(), checkedPath(flag, value, base).toString());
            } else if (flag.type() == FlagType.FILES && !value.isBlank()) {
                List<String> files = new ArrayList<>();
                for (String file : value.split("\n")) {
                    files.add(checkedPath(flag, file.strip(), base).toString());
                }
                settings = settings.with(flag.name(), String.join("\n", files));
            }
        }
        return settings;
    }

    private static Path checkedPath(Flag flag, String value, Path base) throws FlagException {
        Path path = base.resolve(value).toAbsolutePath().normalize();
        if ((flag.type() == FlagType.FILE || flag.type() == FlagType.FILES || flag.type() == FlagType.MODEL)
                && !Files.exists(path)) {
            throw new FlagException("--" + flag.name() + ": no such file or folder: " + value);
        }
        return path;
    }
}
