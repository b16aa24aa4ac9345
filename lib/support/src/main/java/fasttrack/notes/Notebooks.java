package fasttrack.notes;

/** Notebook names double as file names, so they must be plain names. */
final class Notebooks {

    private Notebooks() {}

    static String requireName(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("the notebook name must not be blank");
        String clean = name.strip();
        if (!clean.matches("[A-Za-z0-9][A-Za-z0-9._ -]*") || clean.contains("..")) {
            throw new IllegalArgumentException("'" + name + "' is not a usable notebook name: use letters, digits, "
                    + "'-', '_', '.' and spaces, like \"00-environment\"");
        }
        return clean;
    }
}
