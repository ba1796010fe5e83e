package org.mgtm.check;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Checks a history against invariants 1 to 8 (docs/invariants.md), in two streaming passes over it (so a
 * history of ten million events needs memory for its transactions, not its events):
 * {@link FactsPass} learns per transaction and per process what the time sweep needs and checks
 * invariants 1, 5 and 7; {@link SweepPass} sweeps the events in time order for 2, 3, 4, 6 and 8.
 *
 * <p>Unknown outcomes are possibly applied: a begin without answer may have consumed a GXID no
 * one saw, a commit without answer may or may not be visible, a nextval without answer may have
 * advanced its sequence. Only what is certainly wrong is reported.
 */
public final class Checker {
    /** Violations kept per invariant for the report; all are counted. */
    public static final int DEFAULT_KEPT = 100;

    private final int kept;

    public Checker() {
        this(DEFAULT_KEPT);
    }

    public Checker(int keptPerInvariant) {
        this.kept = keptPerInvariant;
    }

    /**
     * Checks a history.
     *
     * @throws HistoryFormatException if the history breaks the format's rules
     */
    public CheckResult check(HistorySource source) throws IOException {
        Findings findings = new Findings(kept);
        FactsPass facts = new FactsPass(source.name(), findings);
        source.scan(facts);
        facts.finish();
        Leadership leadership = new Leadership(facts.leaders, facts.leaderLines, findings);
        source.scan(new SweepPass(facts, leadership, findings));
        findings.notChecked(1, "no begin was answered");
        findings.notChecked(2, "no begin was sent after another had been answered");
        findings.notChecked(3, "no snapshot was answered");
        findings.notChecked(4, "no snapshot was asked after a commit, rollback or prepare had been acknowledged");
        findings.notChecked(8, "no snapshot was asked while a transaction whose first snapshot had been answered"
                + " was proven open");
        return findings.result(facts.events);
    }

    /** Checks an in-memory history with the default settings. */
    public static CheckResult checkHistory(History history) {
        try {
            return new Checker().check((HistorySource) history);
        } catch (IOException e) {
            throw new IllegalStateException("an in-memory history cannot fail to read", e);
        }
    }

    /** Checks a history file with the default settings. */
    public static CheckResult checkFile(Path file) throws IOException {
        return new Checker().check(new HistoryReader(file));
    }
}
