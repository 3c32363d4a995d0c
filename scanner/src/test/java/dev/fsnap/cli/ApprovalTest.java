package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An approved baseline in a repository: check --repo reports a change every night until a person
 * approves it, and with --trust-key refuses (exit 5, nothing scanned) each way an intruder who can
 * write the repository but has not the secret key moves the baseline, while the metrics keep what
 * a watcher off the host needs: the approval's number and identity.
 */
class ApprovalTest {
    @TempDir
    Path dir;
    Path root;
    Path repo;
    String pub;
    String key;
    Path metrics;
    Path series;

    @BeforeEach
    void setUp() throws Exception {
        root = TreeBuilder.at(dir.resolve("data")).file("etc/passwd", 20).file("bin/ls", 100).root();
        repo = dir.resolve("repo");
        metrics = dir.resolve("fsnap.prom");
        CliTest.Run k = fsnap("key", "new", "--public", dir.resolve("k.pub").toString(), "--secret",
                dir.resolve("k.key").toString(), "--no-passphrase");
        assertEquals(0, k.status(), k.err());
        pub = dir.resolve("k.pub").toString();
        key = dir.resolve("k.key").toString();
        assertEquals(0, fsnap("check", root.toString(), "--repo", repo.toString()).status(), "the first run");
        CliTest.Run a = approve();
        assertEquals(0, a.status(), a.err());
        assertTrue(a.out().startsWith("approval 1 of " + root.toRealPath() + ": all of run "), a.out());
        try (var s = Files.list(repo)) {
            series = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private CliTest.Run approve() {
        return fsnap("approve", repo.toString(), root.toString(), "--all", "--sign-key", key, "--as", "alice");
    }

    private CliTest.Run night() {
        return fsnap("check", root.toString(), "--repo", repo.toString(), "--trust-key", pub, "--metrics",
                metrics.toString(), "--format", "lines");
    }

    private String metric(String name) throws Exception {
        return Files.readAllLines(metrics).stream().filter(l -> l.startsWith(name + "{")).findFirst().orElse("");
    }

    @Test
    void aChangeIsReportedEveryNightUntilItIsApproved() throws Exception {
        Files.writeString(root.resolve("bin/backdoor"), "x");
        CliTest.Run r1 = night();
        assertEquals(1, r1.status(), r1.err());
        assertEquals(List.of("+ bin/backdoor", "M bin  (mtime,ctime)"), CliTest.changes(r1.out()), "night 1: both new");
        assertTrue(r1.err().contains("against approval 1 of "), r1.err());
        assertTrue(metric("fsnap_approved_sequence").endsWith(" 1"), metric("fsnap_approved_sequence"));

        // Night 2: the backdoor again, reported before; a new change beside it, in full.
        Files.writeString(root.resolve("etc/passwd"), "eve::0:0::/:/bin/sh\n");
        CliTest.Run r2 = night();
        assertEquals(1, r2.status(), r2.err());
        List<String> night2 = CliTest.changes(r2.out());
        assertEquals(3, night2.size(), night2.toString());
        assertTrue(night2.get(0).startsWith("+ bin/backdoor  [reported before, first seen "), night2.toString());
        String firstNight = night2.get(0).substring(night2.get(0).indexOf("first seen"), night2.get(0).length() - 1);
        assertEquals("M bin  (mtime,ctime)  [reported before, " + firstNight + "]", night2.get(1));
        assertTrue(night2.get(2).startsWith("M etc/passwd  (") && !night2.get(2).contains("reported before"),
                "new tonight: " + night2.get(2));

        // Night 3, as a person reads it: every difference still there, none of them new.
        CliTest.Run r3 = fsnap("check", root.toString(), "--repo", repo.toString(), "--trust-key", pub);
        assertEquals(1, r3.status(), r3.err());
        assertTrue(r3.out().contains("+ backdoor  1 B  reported before, " + firstNight), firstNight + " in " + night2 + " and " + r3.out());
        assertTrue(r3.out().lines().anyMatch(l -> l.startsWith("  M passwd  mtime ") && l.contains("  reported before, first seen ")),
                "its values, and that it was reported before: " + r3.out());
        CliTest.Run json = fsnap("check", root.toString(), "--repo", repo.toString(), "--trust-key", pub, "--json");
        java.util.Map<String, String> firstSeen = new java.util.HashMap<>();
        for (String line : json.out().lines().toList()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"path\":\"([^\"]+)\",\"first_seen\":\"([^\"]+)\"")
                    .matcher(line);
            if (m.find()) {
                firstSeen.put(m.group(1), m.group(2));
            }
        }
        assertEquals(java.util.Set.of("bin", "bin/backdoor", "etc/passwd"), firstSeen.keySet(), json.out());
        assertEquals(firstSeen.get("bin"), firstSeen.get("bin/backdoor"), "both first seen on night 1");
        assertTrue(firstSeen.get("bin/backdoor").compareTo(firstSeen.get("etc/passwd")) < 0, "passwd on night 2: " + firstSeen);

        assertEquals(0, approve().status());
        CliTest.Run r = night();
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(metric("fsnap_approved_sequence").endsWith(" 2"));
        // A live share compares each night with the one before, approvals or not.
        Files.writeString(root.resolve("etc/passwd"), "changed");
        assertEquals(1, fsnap("check", root.toString(), "--repo", repo.toString(), "--against-last").status());
        assertEquals(0, fsnap("check", root.toString(), "--repo", repo.toString(), "--against-last").status(),
                "last night had it already");
        assertEquals(1, night().status(), "the approved baseline has not");
        CliTest.Run history = fsnap("history", repo.toString());
        assertTrue(history.out().contains("approval 1 by alice of run "), history.out());
        assertTrue(history.out().contains("approval 2 by alice of run "), history.out());
    }

    @Test
    void theIntrudersMovesAreRefusedAndTheMetricsKeepWhatAWatcherNeeds() throws Exception {
        Path approved = series.resolve("approved.snap");
        Path signature = series.resolve("approved.snap.minisig");
        Path keep = Files.createDirectories(dir.resolve("kept"));
        Files.copy(approved, keep.resolve("1.snap"));
        Files.copy(signature, keep.resolve("1.snap.minisig"));
        Files.writeString(root.resolve("etc/passwd"), "root::0:0::/:/bin/sh\n");
        assertEquals(1, night().status());
        assertEquals(0, approve().status()); // approval 2: the new passwd accepted by a person
        assertEquals(0, night().status());
        String identity = metric("fsnap_approved_info");
        assertTrue(identity.contains("identity=\""), identity);

        // The backdoor, and a baseline that holds it: the latest run's snapshot copied over, hashes and all.
        Files.writeString(root.resolve("bin/backdoor"), "x");
        CliTest.Run seen = fsnap("check", root.toString(), "--repo", repo.toString(), "--against-last");
        assertEquals(1, seen.status(), seen.err());
        Path latest;
        try (var s = Files.list(series)) {
            latest = s.filter(p -> p.getFileName().toString().matches("[0-9T.]+Z\\.snap")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
        Files.copy(approved, keep.resolve("2.snap"));
        Files.copy(latest, approved, StandardCopyOption.REPLACE_EXISTING);
        CliTest.Run r = night();
        assertEquals(5, r.status(), r.err());
        assertTrue(r.err().startsWith("fsnap: refused: " + approved + ": its signature " + signature
                + " does not match its bytes"), r.err());
        assertTrue(metric("fsnap_exit_status").endsWith(" 5"));
        assertTrue(metric("fsnap_approved_sequence").endsWith(" 2"), "the last approval trusted");
        assertEquals(identity, metric("fsnap_approved_info"));

        // The signature deleted.
        Files.copy(keep.resolve("2.snap"), approved, StandardCopyOption.REPLACE_EXISTING);
        Files.move(signature, keep.resolve("2.snap.minisig"));
        r = night();
        assertEquals(5, r.status());
        assertTrue(r.err().startsWith("fsnap: refused: " + approved + ": not signed"), r.err());
        assertTrue(metric("fsnap_exit_status").endsWith(" 5"));
        assertTrue(metric("fsnap_approved_sequence").endsWith(" 2"));
        assertEquals(identity, metric("fsnap_approved_info"));

        // Signed by a key of his own, as minisign would: fsnap's approve refuses to chain to it, too.
        assertEquals(0, fsnap("key", "new", "--public", dir.resolve("his.pub").toString(), "--secret",
                dir.resolve("his.key").toString(), "--no-passphrase").status());
        dev.fsnap.signature.SigningKey.read(dir.resolve("his.key"), () -> new byte[0]).sign(approved,
                "timestamp:0\tfile:approved.snap\thashed\tfsnap approval\tsequence:3\tprevious:none\tapprover:eve\trun:x"
                        + "\troot:" + root.toRealPath());
        r = night();
        assertEquals(5, r.status());
        assertTrue(r.err().contains("signed by key "), r.err());
        assertTrue(r.err().contains(", not by the trusted key "), r.err());
        assertTrue(metric("fsnap_approved_sequence").endsWith(" 2"));
        assertEquals(identity, metric("fsnap_approved_info"));

        // An older signed approval put back: approval 1, validly signed, from before the new passwd.
        Files.copy(keep.resolve("1.snap"), approved, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(keep.resolve("1.snap.minisig"), signature, StandardCopyOption.REPLACE_EXISTING);
        r = night();
        assertEquals(5, r.status());
        assertTrue(r.err().contains("approval 1 is older than one already compared against"), r.err());
        assertTrue(r.err().contains("an earlier approved baseline was put back"), r.err());
        assertTrue(metric("fsnap_approved_sequence").endsWith(" 2"));
        assertEquals(identity, metric("fsnap_approved_info"));

        // A run's summary edited to claim the backdoor was approved changes nothing: approvals are read
        // from the signed baseline alone. Put back as approved, the backdoor is reported.
        Files.copy(keep.resolve("2.snap"), approved, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(keep.resolve("2.snap.minisig"), signature, StandardCopyOption.REPLACE_EXISTING);
        Path summary = Path.of(latest.toString().replace(".snap", ".json"));
        Files.writeString(summary, "{\"verdict\":\"unchanged\",\"run\":\"approve\"}\n");
        r = night();
        assertEquals(1, r.status(), r.err());
        assertEquals(List.of("+ bin/backdoor", "M bin  (mtime,ctime)"), CliTest.changes(r.out()));
        assertFalse(Files.exists(series.resolve("approved.snap.tmp")));
    }

    @Test
    void aKeyIsRotatedByOneApprovalVerifiedWithTheOldKey() throws Exception {
        assertEquals(0, night().status());
        assertEquals(0, fsnap("key", "new", "--public", dir.resolve("new.pub").toString(), "--secret",
                dir.resolve("new.key").toString(), "--no-passphrase").status());
        Files.writeString(root.resolve("etc/passwd"), "rotated\n");
        assertEquals(1, night().status());
        CliTest.Run r = fsnap("approve", repo.toString(), root.toString(), "--all", "--sign-key",
                dir.resolve("new.key").toString());
        assertEquals(5, r.status(), "the new key does not chain to what it cannot verify");
        assertTrue(r.err().contains("not by the trusted key"), r.err());
        r = fsnap("approve", repo.toString(), root.toString(), "--all", "--sign-key", dir.resolve("new.key").toString(),
                "--previous-key", pub);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("\napproval 2 of "), r.out());
        assertTrue(r.out().startsWith("approving all of run "), "what is approved is said first: " + r.out());
        r = fsnap("check", root.toString(), "--repo", repo.toString(), "--trust-key", dir.resolve("new.pub").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(5, night().status(), "the old key is trusted no more");
    }

    @Test
    void withoutSignaturesTheApprovedBaselineIsComparedAgainstAsRecorded() throws Exception {
        Path plain = dir.resolve("plain");
        assertEquals(0, fsnap("check", root.toString(), "--repo", plain.toString()).status());
        CliTest.Run a = fsnap("approve", plain.toString(), root.toString(), "--all");
        assertEquals(0, a.status(), a.err());
        assertTrue(a.out().contains(", not signed; identity "), a.out());
        Files.writeString(root.resolve("bin/new"), "n");
        for (int night = 1; night <= 2; night++) {
            CliTest.Run r = fsnap("check", root.toString(), "--repo", plain.toString(), "--format", "lines");
            assertEquals(1, r.status(), "night " + night + ": " + r.err());
            List<String> lines = CliTest.changes(r.out()).stream().map(l -> l.replaceAll("  \\[reported before, .*]$", ""))
                    .toList();
            assertEquals(List.of("+ bin/new", "M bin  (mtime,ctime)"), lines);
            assertEquals(night == 2, r.out().contains("[reported before, first seen "), r.out());
        }
        assertEquals(0, fsnap("approve", plain.toString(), root.toString(), "--all").status());
        assertEquals(0, fsnap("check", root.toString(), "--repo", plain.toString()).status());
        CliTest.Run none = fsnap("approve", plain.toString(), root.toString());
        assertEquals(2, none.status());
        assertTrue(none.err().startsWith("fsnap: approve needs one of --all (every difference of the run), PATH..."),
                none.err());
    }

    @Test
    void whatIsNoApprovedBaselineIsRefusedWithoutWaitingOrAStackTrace() throws Exception {
        assertEquals(0, night().status());
        Path approved = series.resolve("approved.snap");
        Path kept = Files.move(approved, dir.resolve("kept.snap"));
        CliTest.Run r = night();
        assertEquals(5, r.status(), r.err());
        assertTrue(r.err().startsWith("fsnap: refused: " + approved + ": missing, though its signature is there"), r.err());

        assertEquals(0, CliTest.sh("mkfifo \"$1\"", approved.toString()));
        r = night(); // never waits on the FIFO
        assertEquals(5, r.status(), r.err());
        assertTrue(r.err().startsWith("fsnap: refused: " + approved + ": not a regular file"), r.err());
        Files.delete(approved);
        Files.move(kept, approved);

        Files.writeString(series.resolve("approved.seen"), "garbage");
        r = night();
        assertEquals(5, r.status(), r.err());
        assertTrue(r.err().contains("the record of the approval last compared against cannot be trusted"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void theRunWhoseReportWasReadIsApprovedNotOneMadeAfterIt() throws Exception {
        Files.writeString(root.resolve("etc/passwd"), "a person's change\n");
        CliTest.Run read = night();
        assertEquals(1, read.status());
        String reviewed;
        try (var s = Files.list(series)) {
            reviewed = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9T.]+Z\\.snap")).sorted()
                    .reduce((a, b) -> b).orElseThrow().replace(".snap", "");
        }
        Files.writeString(root.resolve("bin/backdoor"), "x"); // then a run of the intruder's own
        assertEquals(1, fsnap("check", root.toString(), "--repo", repo.toString(), "--against-last").status());
        CliTest.Run a = fsnap("approve", repo.toString(), root.toString(), "--all", "--run", reviewed, "--sign-key", key);
        assertEquals(0, a.status(), a.err());
        assertTrue(a.out().contains("run " + reviewed), a.out());
        assertFalse(a.out().contains("backdoor"), "what is approved is what was read: " + a.out());
        CliTest.Run r = night();
        assertEquals(1, r.status());
        assertTrue(CliTest.changes(r.out()).contains("+ bin/backdoor"), r.out());
        CliTest.Run none = fsnap("approve", repo.toString(), root.toString(), "--all", "--run", "20000101T000000.000Z");
        assertEquals(2, none.status());
        assertTrue(none.err().contains("holds no run 20000101T000000.000Z of "), none.err());
    }

    @Test
    void approvingOneOfTwoChangesLeavesTheOtherReportedNightAfterNight() throws Exception {
        Files.writeString(root.resolve("bin/backdoor"), "x");
        Files.writeString(root.resolve("etc/passwd"), "eve::0:0::/:/bin/bash\n");
        CliTest.Run n1 = night();
        assertEquals(List.of("+ bin/backdoor", "M bin  (mtime,ctime)", "M etc/passwd  (size,mtime,ctime)"),
                CliTest.changes(n1.out()), "night 1");
        for (int night = 2; night <= 3; night++) {
            List<String> again = CliTest.changes(night().out());
            assertEquals(3, again.size(), again.toString());
            assertTrue(again.stream().allMatch(l -> l.contains("[reported before, first seen ")), "night " + night + ": " + again);
        }
        // The person approves the new passwd alone: the backdoor stays reported, dated as before.
        CliTest.Run a = fsnap("approve", repo.toString(), root.toString(), "etc/passwd", "--sign-key", key, "--as", "bob");
        assertEquals(0, a.status(), a.err());
        assertTrue(a.out().startsWith("approving of run ") && a.out().contains(":\n  M etc/passwd\napproval 2 of "
                + root.toRealPath() + ": 1 difference of run "), a.out());
        assertFalse(a.out().contains("backdoor"), "what is approved, and only that: " + a.out());
        CliTest.Run n4 = night();
        assertEquals(1, n4.status(), n4.err());
        List<String> night4 = CliTest.changes(n4.out());
        assertEquals(2, night4.size(), night4.toString());
        assertTrue(night4.get(0).startsWith("+ bin/backdoor  [reported before, first seen "), night4.toString());
        assertTrue(night4.get(1).startsWith("M bin  (mtime,ctime)  [reported before, first seen "), night4.toString());
        assertTrue(metric("fsnap_approved_sequence").endsWith(" 2"), metric("fsnap_approved_sequence"));
        // Changed again after its approval: new, not reported before.
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        List<String> night5 = CliTest.changes(night().out());
        assertTrue(night5.contains("M etc/passwd  (size,mtime,ctime)"), night5.toString());

        // The rest, as a report listed it: exactly those changes, the path given as JSON wrote it.
        CliTest.Run json = fsnap("check", root.toString(), "--repo", repo.toString(), "--trust-key", pub, "--json");
        Path listed = dir.resolve("approve.json");
        Files.write(listed, json.out().lines().filter(l -> !l.contains("etc/passwd")).toList());
        CliTest.Run b = fsnap("approve", repo.toString(), root.toString(), "--changes-from", listed.toString(),
                "--sign-key", key);
        assertEquals(0, b.status(), b.err());
        List<String> night6 = CliTest.changes(night().out());
        assertEquals(List.of("M etc/passwd  (size,mtime,ctime)  [reported before, first seen " ), night6.stream()
                .map(l -> l.substring(0, l.indexOf("first seen ") + 11)).toList(), night6.toString());
        CliTest.Run history = fsnap("history", repo.toString());
        assertTrue(history.out().contains("approval 3 by "), history.out());
        Path record = series.resolve("approvals/00000003.paths");
        assertEquals(List.of("{\"path\":\"bin\"}", "{\"path\":\"bin/backdoor\"}"), Files.readAllLines(record));
    }

    @Test
    void aPathThatIsNoDifferenceIsRefusedAndNothingIsApproved() throws Exception {
        Files.writeString(root.resolve("bin/backdoor"), "x");
        assertEquals(1, night().status());
        byte[] before = Files.readAllBytes(series.resolve("approved.snap"));
        CliTest.Run r = fsnap("approve", repo.toString(), root.toString(), "etc/passwd", "--sign-key", key);
        assertEquals(2, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("etc/passwd: no difference of run ") && r.err().contains("nothing was approved"),
                r.err());
        CliTest.Run outside = fsnap("approve", repo.toString(), root.toString(), "/elsewhere/bin", "--sign-key", key);
        assertEquals(2, outside.status());
        assertTrue(outside.err().contains("/elsewhere/bin is not under " + root.toRealPath()), outside.err());
        Path notJson = Files.writeString(dir.resolve("changes.txt"), "+ bin/backdoor\n");
        CliTest.Run text = fsnap("approve", repo.toString(), root.toString(), "--changes-from", notJson.toString(),
                "--sign-key", key);
        assertEquals(2, text.status());
        assertTrue(text.err().contains(notJson + " line 1: not JSON"), text.err());
        CliTest.Run both = fsnap("approve", repo.toString(), root.toString(), "bin", "--all", "--sign-key", key);
        assertEquals(2, both.status());
        assertTrue(both.err().contains("approve needs one of --all"), both.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(series.resolve("approved.snap"))), "nothing approved");
        // An absolute path under the root, and a directory: everything below it.
        CliTest.Run abs = fsnap("approve", repo.toString(), root.toString(), root.toRealPath().resolve("bin") + "/",
                "--sign-key", key);
        assertEquals(0, abs.status(), abs.err());
        assertEquals(0, night().status(), "bin and bin/backdoor approved");
    }

    @Test
    void thePolicyIsKeptInTheRepositoryAndOnlyTheSignedOneIsUsed() throws Exception {
        Path policy = Files.writeString(dir.resolve("fsnap.policy"), "/ all\n/bin/ perms\n");
        Files.writeString(root.resolve("bin/ls"), "a rebuilt ls, same owner and mode");
        CliTest.Run kept = fsnap("check", root.toString(), "--repo", repo.toString(), "--policy", policy.toString());
        assertEquals(0, kept.status(), "bin holds only permissions: " + kept.out() + kept.err());
        assertEquals(Files.readString(policy), Files.readString(series.resolve("policy")), "kept for the next checks");

        // Not approved yet: a check that trusts a key uses no policy the key did not sign.
        CliTest.Run unsigned = night();
        assertEquals(5, unsigned.status(), unsigned.out() + unsigned.err());
        assertTrue(unsigned.err().contains("policy") && unsigned.err().contains("nothing was scanned"), unsigned.err());

        CliTest.Run a = fsnap("approve", repo.toString(), root.toString(), "--all", "--policy", policy.toString(),
                "--sign-key", key);
        assertEquals(0, a.status(), a.err());
        assertTrue(a.out().contains("policy " + series.resolve("policy") + " kept and signed"), a.out());
        Files.writeString(root.resolve("bin/ls"), "rebuilt again");
        CliTest.Run signed = night();
        assertEquals(0, signed.status(), "the approved policy, used without naming it: " + signed.out() + signed.err());

        // The intruder loosens the rules to hide a change under etc: refused, nothing compared.
        Files.writeString(series.resolve("policy"), "/ all\n/bin/ perms\n/etc/ exclude\n");
        Files.writeString(root.resolve("etc/passwd"), "eve::0:0::/:/bin/sh\n");
        CliTest.Run loosened = night();
        assertEquals(5, loosened.status(), loosened.out() + loosened.err());
        assertTrue(loosened.err().contains("refused: ") && loosened.err().contains(series.resolve("policy").toString()),
                loosened.err());
        // And a policy given on the command line must be the approved one.
        Files.writeString(series.resolve("policy"), "/ all\n/bin/ perms\n"); // put back as approved
        Path other = Files.writeString(dir.resolve("other.policy"), "/ all\n/etc/ exclude\n");
        CliTest.Run given = fsnap("check", root.toString(), "--repo", repo.toString(), "--trust-key", pub, "--policy",
                other.toString());
        assertEquals(5, given.status(), given.out() + given.err());
        assertTrue(given.err().contains("the policy given is not " + series.resolve("policy")), given.err());
        CliTest.Run back = night();
        assertEquals(1, back.status(), "the approved policy again, and the change under etc reported: " + back.err());
        assertTrue(CliTest.changes(back.out()).stream().anyMatch(l -> l.startsWith("M etc/passwd")), back.out());
    }
}
