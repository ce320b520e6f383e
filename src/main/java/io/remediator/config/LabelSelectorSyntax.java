package io.remediator.config;

import java.util.regex.Pattern;

/**
 * Checks a label selector string as the API server parses it, so a typo stops start-up instead
 * of failing the first diagnosis with a 400.
 */
final class LabelSelectorSyntax {
    private static final String KEY = "(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
    private static final String VALUE = "(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?";
    private static final String REQUIREMENT = "\\s*(?:!\\s*" + KEY
            + "|" + KEY + "\\s*(?:==|=|!=)\\s*" + VALUE
            + "|" + KEY + "\\s+(?:in|notin)\\s*\\(\\s*" + VALUE + "(?:\\s*,\\s*" + VALUE + ")*\\s*\\)"
            + "|" + KEY + ")\\s*";
    private static final Pattern SELECTOR = Pattern.compile(REQUIREMENT + "(?:," + REQUIREMENT + ")*");

    private LabelSelectorSyntax() {}

    /** Null when the selector is empty or valid, else what is wrong. */
    static String problem(String selector) {
        if (selector == null || selector.isBlank() || SELECTOR.matcher(selector).matches()) {
            return null;
        }
        return "\"" + selector + "\" is not a label selector (e.g. `team=a`, `env in (prod,staging)`, `!legacy`)";
    }
}
