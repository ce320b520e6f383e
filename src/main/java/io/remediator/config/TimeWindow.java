package io.remediator.config;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A weekly window such as `Mon-Fri 22:00-06:00` (days, then a time range that may cross midnight
 * and belongs to the day it starts on) or `Sat Sun 00:00-24:00`.
 */
public record TimeWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to, boolean untilMidnight) {
    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*([A-Za-z]{3}(?:-[A-Za-z]{3})?(?:\\s+[A-Za-z]{3}(?:-[A-Za-z]{3})?)*)\\s+(\\d\\d:\\d\\d)-(\\d\\d:\\d\\d)\\s*");

    /** @throws IllegalArgumentException with what is wrong */
    public static TimeWindow parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a window like `Mon-Fri 22:00-06:00`");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : m.group(1).trim().split("\\s+")) {
            String[] range = part.split("-");
            DayOfWeek first = day(range[0]);
            DayOfWeek last = range.length == 2 ? day(range[1]) : first;
            for (DayOfWeek d = first; ; d = d.plus(1)) {
                days.add(d);
                if (d == last) {
                    break;
                }
            }
        }
        boolean untilMidnight = "24:00".equals(m.group(3));
        LocalTime from = time(m.group(2));
        LocalTime to = untilMidnight ? LocalTime.MIDNIGHT : time(m.group(3));
        if (from.equals(to) && !untilMidnight) {
            throw new IllegalArgumentException("\"" + text + "\" starts and ends at the same time");
        }
        return new TimeWindow(days, from, to, untilMidnight);
    }

    public boolean contains(ZonedDateTime t) {
        LocalTime now = t.toLocalTime();
        boolean crossesMidnight = untilMidnight || !to.isAfter(from);
        if (!crossesMidnight) {
            return days.contains(t.getDayOfWeek()) && !now.isBefore(from) && now.isBefore(to);
        }
        // The part after midnight belongs to the previous day's window.
        return (days.contains(t.getDayOfWeek()) && !now.isBefore(from))
                || (!untilMidnight && days.contains(t.getDayOfWeek().minus(1)) && now.isBefore(to));
    }

    private static DayOfWeek day(String s) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().substring(0, 3).equalsIgnoreCase(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("\"" + s + "\" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
    }

    private static LocalTime time(String s) {
        int h = Integer.parseInt(s.substring(0, 2));
        int min = Integer.parseInt(s.substring(3));
        if (h > 23 || min > 59) {
            throw new IllegalArgumentException("\"" + s + "\" is not a time of day");
        }
        return LocalTime.of(h, min);
    }

    @Override
    public String toString() {
        return days.stream().map(d -> d.name().substring(0, 1) + d.name().substring(1, 3).toLowerCase(Locale.ROOT))
                .reduce((a, b) -> a + " " + b).orElse("") + " " + from + "-" + (untilMidnight ? "24:00" : to);
    }
}
