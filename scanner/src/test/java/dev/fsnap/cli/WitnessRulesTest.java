package dev.fsnap.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert rules docs/operations.md gives, run by Prometheus' own rule tester: the witness off the
 * host fires when the approval's number goes down or its identity changes under the same number,
 * when a check refuses its baseline, and stays quiet when a person approves.
 */
class WitnessRulesTest {
    @TempDir
    Path dir;

    /** The indented block after "Alert rules that catch what matters:", as written. */
    static String documentedRules() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "operations.md"));
        int start = lines.indexOf("Alert rules that catch what matters:") + 2;
        assertTrue(start > 1, "docs/operations.md gives its alert rules");
        return lines.subList(start, lines.size()).stream().takeWhile(l -> l.startsWith("    "))
                .map(l -> l.substring(4)).collect(Collectors.joining("\n", "", "\n"));
    }

    @Test
    void theDocumentedRulesFireOnARollbackAndAReplacementNotOnAnApproval() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
                "promtool is missing (Debian: apt-get install prometheus)");
        Files.writeString(dir.resolve("rules.yml"), documentedRules());
        Files.writeString(dir.resolve("witness.yml"), """
                rule_files: [rules.yml]
                evaluation_interval: 1m
                tests:
                # approved 2, 3 (a person), then approval 2 put back
                - interval: 1h
                  input_series:
                  - series: 'fsnap_approved_sequence{instance="nas",root="/data"}'
                    values: '2 2 3 3 2 2'
                  - series: 'fsnap_approved_info{instance="nas",root="/data",identity="aa"}'
                    values: '1 1 _ _ 1 1'
                  - series: 'fsnap_approved_info{instance="nas",root="/data",identity="bb"}'
                    values: '_ _ 1 1 _ _'
                  - series: 'fsnap_exit_status{instance="nas",root="/data"}'
                    values: '0 1 0 0 0 0'
                  alert_rule_test:
                  - eval_time: 3h
                    alertname: FsnapApprovalWentBack
                    exp_alerts: []
                  - eval_time: 3h
                    alertname: FsnapApprovalReplaced
                    exp_alerts: []
                  - eval_time: 5h
                    alertname: FsnapApprovalWentBack
                    exp_alerts:
                    - exp_labels: {instance: nas, root: /data}
                # the same number, another baseline; and a refused night
                - interval: 1h
                  input_series:
                  - series: 'fsnap_approved_sequence{instance="nas",root="/data"}'
                    values: '4 4 4 4'
                  - series: 'fsnap_approved_info{instance="nas",root="/data",identity="cc"}'
                    values: '1 1 _ _'
                  - series: 'fsnap_approved_info{instance="nas",root="/data",identity="dd"}'
                    values: '_ _ 1 1'
                  - series: 'fsnap_exit_status{instance="nas",root="/data"}'
                    values: '0 0 0 5'
                  alert_rule_test:
                  - eval_time: 1h
                    alertname: FsnapApprovalReplaced
                    exp_alerts: []
                  - eval_time: 2h
                    alertname: FsnapApprovalReplaced
                    exp_alerts:
                    - exp_labels: {instance: nas, root: /data}
                  - eval_time: 3h
                    alertname: FsnapUntrustedBaseline
                    exp_alerts:
                    - exp_labels: {instance: nas, root: /data}
                """);
        StringBuilder out = new StringBuilder();
        assertEquals(0, CliTest.sh("cd \"$1\" && promtool test rules witness.yml", out, dir.toString()), out.toString());
    }
}
