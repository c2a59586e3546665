package seq.compiler.diag;

public enum Severity {
    ERROR, WARNING;

    public String word() { return name().toLowerCase(); }
}
