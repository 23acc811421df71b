import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a ``JSONLogHandler`` writes its lines.
///
/// Production uses ``standardOutput``; tests capture lines with ``custom(_:)``.
public struct LogOutput: Sendable {
    let write: @Sendable (String) -> Void

    /// Calls `write` with each complete line, terminating newline included.
    public static func custom(_ write: @escaping @Sendable (String) -> Void) -> LogOutput {
        LogOutput(write: write)
    }

    /// Unbuffered writes to file descriptor 1, so a line is visible to the log collector as soon as it is logged
    /// and a crash loses nothing that was already logged.
    public static let standardOutput: LogOutput = {
        // Lines from concurrent tasks must not interleave, even when one is longer than PIPE_BUF.
        let lock = Mutex(())
        return LogOutput { line in
            var line = line
            lock.withLock { _ in
                line.withUTF8 { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let written = systemWrite(1, buffer.baseAddress! + offset, buffer.count - offset)
                        if written > 0 {
                            offset += written
                        } else if written < 0 && errno == EINTR {
                            continue
                        } else {
                            return  // stdout is gone; there is nowhere left to report that
                        }
                    }
                }
            }
        }
    }()
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
        return Darwin.write(fd, buffer, count)
    #elseif canImport(Musl)
        return Musl.write(fd, buffer, count)
    #else
        return Glibc.write(fd, buffer, count)
    #endif
}
