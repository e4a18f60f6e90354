package koboldj.text.http;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.text.TextGenerator;

/**
 * The text models loaded now, each a {@link TextGenerator} service, and which one a request
 * means: the one its {@code model} field names exactly (also as {@code koboldcpp/NAME}, the name
 * {@code /api/v1/model} gives), one at random of Aphrodite's {@code multi_models}, else the
 * default (the highest ranked, the first given). With a single model any name reaches it, as
 * KoboldCpp ignores the name; with several an unknown one is a 404 naming those there are.
 * Present while at least one model is, so the text routes come and go with the last one.
 */
@Component(service = TextModels.class)
public class TextModels {
    private static final String KOBOLDCPP_PREFIX = "koboldcpp/";
    private static final Comparator<Bound> DEFAULT_FIRST = Comparator.comparingInt((Bound bound) -> -bound.ranking())
            .thenComparingLong(Bound::serviceId);

    /** A bound generator and its service properties, which a ranking or name change replaces. */
    private record Bound(TextGenerator text, Map<String, Object> properties) {
        int ranking() {
            return properties.get(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
        }

        long serviceId() {
            return (Long) properties.get(Constants.SERVICE_ID);
        }
    }

    /** By service id; bound and unbound by the methods below, so a changed property replaces its entry. */
    private final Map<Long, Bound> generators = new ConcurrentHashMap<>();

    @Reference(name = "generator", cardinality = ReferenceCardinality.AT_LEAST_ONE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindGenerator", updated = "updatedGenerator")
    void bindGenerator(TextGenerator text, Map<String, Object> properties) {
        Bound bound = new Bound(text, Map.copyOf(properties));
        generators.put(bound.serviceId(), bound);
    }

    void updatedGenerator(TextGenerator text, Map<String, Object> properties) {
        bindGenerator(text, properties);
    }

    void unbindGenerator(TextGenerator text, Map<String, Object> properties) {
        generators.remove((Long) properties.get(Constants.SERVICE_ID));
    }

    /** A loaded model and the name clients pick it by. */
    public record Named(String name, TextGenerator text) {
    }

    /** The loaded models, the default first. */
    public List<Named> all() {
        return generators.values().stream().sorted(DEFAULT_FIRST)
                .map(bound -> new Named(String.valueOf(bound.properties().get(TextGenerator.MODEL_NAME_PROPERTY)), bound.text()))
                .toList();
    }

    /** The default model: the first given that is still loaded. */
    public TextGenerator defaultModel() {
        return all().getFirst().text();
    }

    /** The model of that exact name, if it is loaded. */
    public Optional<TextGenerator> named(String name) {
        String bare = name.startsWith(KOBOLDCPP_PREFIX) ? name.substring(KOBOLDCPP_PREFIX.length()) : name;
        return all().stream().filter(model -> model.name().equals(bare)).map(Named::text).findFirst();
    }

    /**
     * The model a request's {@code model} field picks (null: the default).
     *
     * @throws ApiException BAD_REQUEST when it is not a string, NOT_FOUND when several models are
     *         loaded and none has that name
     */
    public TextGenerator forRequest(Object model) {
        if (model == null) {
            return defaultModel();
        }
        if (!(model instanceof String name)) {
            throw ApiException.badRequest("model", "'model' must be the name of a model, a string; the models are: "
                    + names() + ".");
        }
        List<Named> all = all();
        if (name.isBlank() || all.size() == 1) {
            return name.isBlank() ? all.getFirst().text() : named(name).orElse(all.getFirst().text());
        }
        return named(name).orElseThrow(() -> unknown(name, "model"));
    }

    /**
     * The model an OpenAI request picks: with {@code multi_models} (a list of loaded models' names)
     * one of them at random, else as {@link #forRequest}.
     */
    public TextGenerator forOpenAi(Object model, Object multiModels) {
        if (multiModels == null) {
            return forRequest(model);
        }
        if (!(multiModels instanceof List<?> names) || names.isEmpty()
                || !names.stream().allMatch(name -> name instanceof String text && !text.isBlank())) {
            throw ApiException.badRequest("multi_models", "'multi_models' must be a non-empty list of model names; the models are: "
                    + names() + ".");
        }
        List<TextGenerator> picked = names.stream()
                .map(name -> named((String) name).orElseThrow(() -> unknown((String) name, "multi_models"))).toList();
        return picked.get(ThreadLocalRandom.current().nextInt(picked.size()));
    }

    private ApiException unknown(String name, String field) {
        return new ApiException(ErrorKind.NOT_FOUND, "The model '" + name + "' does not exist; the models are: " + names() + ".",
                field);
    }

    private String names() {
        return String.join(", ", all().stream().map(Named::name).toList());
    }
}
