import Foundation

/// Writes one line straight to standard output (or standard error), unbuffered, so a pipe or a test reading
/// the output of a long `tail` sees each line as it is printed.
func printLine(_ line: String, error: Bool = false) {
    let handle = error ? FileHandle.standardError : FileHandle.standardOutput
    handle.write(Data((line + "\n").utf8))
}
