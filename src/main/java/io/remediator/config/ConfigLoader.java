package io.remediator.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the one config file, applies `REMEDIATOR_*` environment overrides and validates the
 * result. Defaults come from {@link RemediatorConfig#defaults()}, so the set of known keys is the
 * set of fields there: a key that is not one of them is a typo, and a typo stops start-up.
 */
public final class ConfigLoader {
    static final String ENV_PREFIX = "REMEDIATOR_";

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // A key given twice (a second `policy:` block, say) would silently win (redteam-2 N10).
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public RemediatorConfig load(Path file) {
        ObjectNode tree = yaml.valueToTree(RemediatorConfig.defaults());
        List<String> problems = new ArrayList<>();
        if (file != null) {
            mergeFile(tree, file, problems);
        }
        applyEnvironment(tree, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        RemediatorConfig config;
        List<String> badValues = new ArrayList<>();
        try {
            config = yaml.readerFor(RemediatorConfig.class).withHandler(new DeserializationProblemHandler() {
                @Override
                public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> type, String value, String why) {
                    if (type != java.time.Duration.class) {
                        return NOT_HANDLED;
                    }
                    badValues.add(keyOf(ctxt.getParser().getParsingContext()) + ": " + why);
                    return null;
                }
            }).readValue(yaml.treeAsTokens(tree));
        } catch (MismatchedInputException e) {
            throw new ConfigException(List.of(keyOf(e) + ": " + describe(e)));
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // reading a tree in memory
        }
        problems.addAll(badValues);
        // A value that could not be bound is reported once, as bound-wrong, not again as missing.
        new ConfigValidation(config).problems().stream()
                .filter(p -> badValues.stream().noneMatch(b -> p.startsWith(b.substring(0, b.indexOf(": ") + 1))))
                .forEach(problems::add);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private void mergeFile(ObjectNode defaults, Path file, List<String> problems) {
        JsonNode fromFile;
        try {
            fromFile = yaml.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            // Jackson's "Duplicate field 'x' for `ObjectNode`…": say it in the config's words.
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Duplicate field '([^']*)'").matcher(
                    String.valueOf(e.getOriginalMessage()));
            problems.add(m.find() ? "config file " + file + ": " + m.group(1) + " is given twice (line "
                    + e.getLocation().getLineNr() + "); give each key once" : "config file " + file + ": " + e.getMessage());
            return;
        } catch (IOException e) {
            problems.add("config file " + file + ": " + e.getMessage());
            return;
        }
        if (fromFile == null || fromFile.isMissingNode() || fromFile.isNull()) {
            return; // an empty file means "all defaults"
        }
        if (!fromFile.isObject()) {
            problems.add("config file " + file + ": the top level must be a mapping of keys");
            return;
        }
        merge(defaults, (ObjectNode) fromFile, "", problems);
    }

    private static void merge(ObjectNode target, ObjectNode source, String prefix, List<String> problems) {
        for (Map.Entry<String, JsonNode> field : source.properties()) {
            String key = prefix + field.getKey();
            JsonNode known = target.get(field.getKey());
            if (known == null) {
                problems.add(key + ": unknown key" + suggestion(target, prefix));
            } else if (known.isObject()) {
                if (field.getValue().isObject()) {
                    merge((ObjectNode) known, (ObjectNode) field.getValue(), key + ".", problems);
                } else if (!field.getValue().isNull()) {
                    problems.add(key + ": must be a mapping with keys " + childKeys((ObjectNode) known));
                }
            } else if (known.isArray()) {
                if (field.getValue().isArray() && allScalars(field.getValue())) {
                    target.set(field.getKey(), field.getValue());
                } else if (field.getValue().isNull()) {
                    target.set(field.getKey(), JsonNodeFactory.instance.arrayNode());
                } else {
                    problems.add(key + ": must be a list of values, e.g. [a, b]");
                }
            } else if (field.getValue().isContainerNode()) {
                problems.add(key + ": must be a single value, not a " + (field.getValue().isArray() ? "list" : "mapping"));
            } else if (field.getValue().isNull() && !known.isNull()) {
                // `mode:` with nothing after it: say so rather than run with a null nobody meant.
                problems.add(key + ": has no value; give one, or leave the key out for the default ("
                        + known.asText() + ")");
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    private void applyEnvironment(ObjectNode tree, List<String> problems) {
        Map<String, String> leafByEnvName = new LinkedHashMap<>();
        collectLeaves(tree, "", leafByEnvName);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String key = leafByEnvName.get(e.getKey());
            if (key == null) {
                problems.add("environment variable " + e.getKey() + ": not a known setting (known: "
                        + String.join(", ", leafByEnvName.keySet()) + ")");
                continue;
            }
            ObjectNode parent = tree;
            String[] parts = key.split("\\.");
            for (int i = 0; i < parts.length - 1; i++) {
                parent = (ObjectNode) parent.get(parts[i]);
            }
            String leaf = parts[parts.length - 1];
            if (parent.get(leaf).isArray()) {
                // Lists come from the environment comma-separated: REMEDIATOR_X="a,b".
                ArrayNode list = JsonNodeFactory.instance.arrayNode();
                Arrays.stream(e.getValue().split(",")).map(String::trim).filter(v -> !v.isEmpty()).forEach(list::add);
                parent.set(leaf, list);
            } else {
                parent.set(leaf, JsonNodeFactory.instance.textNode(e.getValue()));
            }
        }
    }

    private static boolean allScalars(JsonNode list) {
        for (JsonNode item : list) {
            if (item.isContainerNode() || item.isNull()) {
                return false;
            }
        }
        return true;
    }

    private static void collectLeaves(ObjectNode node, String prefix, Map<String, String> out) {
        node.properties().forEach(f -> {
            String key = prefix + f.getKey();
            if (f.getValue().isObject()) {
                collectLeaves((ObjectNode) f.getValue(), key + ".", out);
            } else {
                out.put(envName(key), key);
            }
        });
    }

    /** `webhook.bearerTokenFile` → `REMEDIATOR_WEBHOOK_BEARER_TOKEN_FILE`. */
    public static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
    }

    private static String keyOf(JsonStreamContext at) {
        List<String> names = new ArrayList<>();
        for (JsonStreamContext c = at; c != null; c = c.getParent()) {
            if (c.getCurrentName() != null) {
                names.add(0, c.getCurrentName());
            }
        }
        return String.join(".", names);
    }

    private static String keyOf(MismatchedInputException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String describe(MismatchedInputException e) {
        String type = e.getTargetType() == null ? "value" : e.getTargetType().getSimpleName();
        return switch (type) {
            case "Duration" -> e.getOriginalMessage();
            case "int", "Integer", "long", "Long" -> "must be a whole number";
            case "boolean", "Boolean" -> "must be true or false";
            default -> "invalid " + type + ": " + e.getOriginalMessage();
        };
    }

    private static String suggestion(ObjectNode parent, String prefix) {
        return " (known keys here: " + childKeys(parent).stream().map(k -> prefix + k).collect(Collectors.joining(", ")) + ")";
    }

    private static List<String> childKeys(ObjectNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
