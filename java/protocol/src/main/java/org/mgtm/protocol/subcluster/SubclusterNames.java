package org.mgtm.protocol.subcluster;

import java.util.regex.Pattern;

/** Sub-cluster names: 1-32 letters, digits, '_' or '-', so they fit logs, status and file names as they are. */
public final class SubclusterNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private SubclusterNames() {
    }

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Returns the name, or throws IllegalArgumentException if it is not a valid sub-cluster name. */
    public static String check(String name) {
        if (!valid(name)) {
            throw new IllegalArgumentException("bad sub-cluster name '" + name
                    + "': 1-32 letters, digits, '_' or '-'");
        }
        return name;
    }
}
