package org.mgtm.check;

/**
 * How one invariant fared.
 *
 * @param invariant  1 to 8
 * @param title      what it says, briefly
 * @param checked    how many things were checked ({@code unit})
 * @param unit       what was counted: GXIDs, begins, snapshots, ...
 * @param violations how many violations were found (all of them, also those not kept)
 * @param notChecked why nothing was checked, or null if something was
 */
public record InvariantSummary(int invariant, String title, long checked, String unit, long violations,
                               String notChecked) {
    public boolean wasChecked() {
        return notChecked == null;
    }

    public String line() {
        String head = "invariant " + invariant + " (" + title + "): ";
        if (notChecked != null && violations == 0) {
            return head + "not checked: " + notChecked;
        }
        return head + "checked " + checked + " " + unit + ", violations " + violations;
    }
}
