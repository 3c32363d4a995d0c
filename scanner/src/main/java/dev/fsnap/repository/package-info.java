/**
 * A repository of runs, as a nightly job or a backup tool keeps them: each root's snapshots under
 * sortable names with a summary of each run beside them ({@link dev.fsnap.repository.Repository},
 * {@link dev.fsnap.repository.RunSeries}, {@link dev.fsnap.repository.Run},
 * {@link dev.fsnap.repository.RunSummary} with its {@link dev.fsnap.repository.Verdict}), the
 * lock that keeps two runs on one root apart ({@link dev.fsnap.repository.RootLock}), references
 * to runs ({@link dev.fsnap.repository.RunReference}: {@code DIR@latest}, {@code DIR@-N},
 * {@code DIR@DATE}), retention as a pure function of the runs and a policy
 * ({@link dev.fsnap.repository.Retention}), and the approved baseline a person moves, signed
 * ({@link dev.fsnap.repository.Approval}).
 *
 * <p>It owns the repository's layout on disk and its safety rules (directories opened without
 * following a link and judged by their owner and mode, small files read only when regular, runs
 * dated after now never the latest, damaged summaries said as such, summaries of earlier versions
 * read). Refusals are {@link java.io.IOException}s naming the path
 * ({@link dev.fsnap.repository.RefusedException}).
 *
 * <p>Owns: the runs a job keeps per root, and their safety. It knows nothing of exit statuses or
 * of what a command prints; the command line is one of its users, never imported.
 *
 * <p>May import: {@code dev.fsnap.scan}, {@code dev.fsnap.snapshot}, {@code dev.fsnap.signature} (the
 * exported API), {@code dev.fsnap.internal}, {@code dev.fsnap.bindings}.
 */
package dev.fsnap.repository;
