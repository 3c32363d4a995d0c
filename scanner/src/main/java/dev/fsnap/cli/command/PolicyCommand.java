package dev.fsnap.cli.command;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.args.ScanArguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.internal.IoMessages;
import dev.fsnap.internal.PathText;
import dev.fsnap.scan.Policy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fsnap policy explain FILE PATH...} and {@code fsnap policy check FILE}: which rule of a
 * policy decides for a path and what it compares there (AIDE's {@code --path-check}), and what is
 * wrong with a policy before a night runs with it.
 */
public final class PolicyCommand extends Command {
    String action;
    Path file;
    final List<String> paths = new ArrayList<>();

    public PolicyCommand() {
        super("policy", new String[] {
                "Explains or checks a policy file (--policy of check and diff): what to compare where.",
                "fsnap policy explain FILE PATH... prints, for each PATH (relative to the root, as reports",
                "give it; a trailing / for a directory), the rule that decides there and the fields it",
                "compares. fsnap policy check FILE reports each line that is no rule, each rule that never",
                "decides (the same pattern again after it, or below a directory an earlier rule excludes",
                "from the scan), and a rule that excludes everything."
            }, new String[] {
                " 0:explained; or the policy has no problem",
                " 2:bad usage, the file cannot be read, or (check) the policy has a problem, each named with its",
                "   line"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("ACTION", "explain or check.", v -> {
            if (!v.equals("explain") && !v.equals("check")) {
                throw new IllegalArgumentException("the action is explain or check, not '" + v + "'");
            }
            action = v;
        });
        a.parameter("FILE", "The policy file.", v -> file = ScanArguments.path(v));
        a.optionalRepeatedParameter("PATH", "explain: the paths to explain.", paths::add);
    }

    @Override
    int call() {
        Policy policy;
        try {
            policy = Policy.read(file);
        } catch (Policy.PolicyException e) {
            err.println("fsnap: " + e.getMessage());
            return ExitStatus.TROUBLE;
        } catch (IOException e) {
            err.println("fsnap: " + file + ": " + IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        }
        if (action.equals("explain")) {
            if (paths.isEmpty()) {
                err.println("fsnap: policy explain needs the paths to explain, after FILE");
                return ExitStatus.TROUBLE;
            }
            for (String p : paths) {
                boolean directory = p.endsWith("/") || p.equals(".") || p.endsWith("/.");
                List<String> parts = new ArrayList<>();
                for (String part : p.split("/+")) {
                    if (part.equals("..")) {
                        err.println("fsnap: " + p + ": '..' names no path inside the root: give it as reports do");
                        return ExitStatus.TROUBLE;
                    }
                    if (!part.isEmpty() && !part.equals(".")) {
                        parts.add(part);
                    }
                }
                byte[] path = PathText.bytes(String.join("/", parts));
                Policy.Rule r = policy.ruleFor(path, directory);
                out.println(p + ": " + (r == null ? "no rule: every field"
                        : "line " + r.line() + " '" + r.text() + "': " + r.describe()));
            }
            return ExitStatus.OK;
        }
        if (!paths.isEmpty()) {
            err.println("fsnap: policy check takes the file alone");
            return ExitStatus.TROUBLE;
        }
        List<String> problems = problems(policy);
        for (String problem : problems) {
            err.println("fsnap: " + file + ", " + problem);
        }
        if (problems.isEmpty()) {
            int n = policy.rules().size();
            out.println(file + ": " + n + (n == 1 ? " rule" : " rules") + ", no problem");
            return ExitStatus.OK;
        }
        return ExitStatus.TROUBLE;
    }

    /** What makes a rule useless or the policy dangerous, one message a problem naming its line. */
    static List<String> problems(Policy policy) {
        List<String> problems = new ArrayList<>();
        List<Policy.Rule> rules = policy.rules();
        for (int i = 0; i < rules.size(); i++) {
            Policy.Rule r = rules.get(i);
            if (r.action() == Policy.Action.EXCLUDE && (r.pattern().equals("**") || r.pattern().equals("*"))) {
                problems.add("line " + r.line() + ": '" + r.text() + "' excludes everything below the root");
            }
            for (int j = i + 1; j < rules.size(); j++) {
                if (rules.get(j).pattern().equals(r.pattern())) {
                    problems.add("line " + r.line() + ": never decides: line " + rules.get(j).line()
                            + " has the same pattern after it");
                    break;
                }
            }
            for (int j = 0; j < i; j++) {
                Policy.Rule e = rules.get(j);
                String below = anchored(e.pattern());
                String mine = anchored(r.pattern());
                if (e.action() == Policy.Action.EXCLUDE && below != null && mine != null
                        && mine.startsWith(below + "/")) {
                    problems.add("line " + r.line() + ": never decides: '" + r.pattern() + "' is below line "
                            + e.line() + ", which excludes it from the scan");
                    break;
                }
            }
        }
        return problems;
    }

    /** A pattern that names one path from the root, without wildcards; else null. */
    private static String anchored(String pattern) {
        String p = pattern.replaceAll("/+$", "");
        if (p.indexOf('/') < 0 || p.matches(".*[*?\\[\\\\].*")) {
            return null;
        }
        return p.replaceAll("^/+", "");
    }
}
