import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Processes the fault suite starts and signals: always by the pid it recorded, after checking that the pid
/// still runs the program it started (a pid the system gave to something else is never signalled).
enum FaultsProcess {
    /// Starts `arguments` in a new session (like deploy/local/stack.sh), output appended to `log`; its pid.
    static func spawn(_ arguments: [String], environment: [String: String], log: String) async throws -> Int32 {
        // `setsid` execs in place (a background job of a non-interactive shell leads no group), so `$!` is
        // the program's own pid; the shell writes it to a file and exits.
        let pidFile = log + ".spawn-pid"
        try? FileManager.default.removeItem(atPath: pidFile)
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let shell = try launch(
            "/bin/bash",
            [
                "-c", #"log="$1"; out="$2"; shift 2; setsid "$@" >>"$log" 2>&1 </dev/null & echo $! >"$out""#,
                "spawn", log, pidFile,
            ] + arguments, environment: environment, output: "/dev/null")
        _ = await exitStatus(of: shell)
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw BenchFailure.failed("could not start \(arguments.first ?? "?")") }
        return pid
    }

    /// Starts `executable` as a child of this process with standard output and error going to `output`
    /// (truncated) and no standard input; its pid. (posix_spawn and waitpid rather than Foundation's
    /// `Process`, whose wait for a child's exit hangs in this process.)
    static func launch(
        _ executable: String, _ arguments: [String], environment: [String: String], output: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard status == 0 else { throw BenchFailure.failed("could not start \(executable): error \(status)") }
        return pid
    }

    /// Waits for the child `pid` to exit; its exit status (-1 when it was killed by a signal).
    static func exitStatus(of pid: pid_t) async -> Int32 {
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 { return -1 }
            try? await Task.sleep(for: .milliseconds(10))
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import (they are macros).
        return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
    }

    /// Whether `pid` is a live process (not a zombie) whose command line contains `program`.
    static func runs(_ pid: Int32, program: String) -> Bool {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
            return false
        }
        // The state follows the parenthesised command name, which may itself contain spaces.
        guard let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        guard state != "Z", state != "X" else { return false }
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let commandLine = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        return commandLine.contains(program)
    }

    /// Sends `signal` to `pid` (to its whole process group with `group`) if it still runs `program`.
    @discardableResult
    static func signal(_ signal: Int32, _ pid: Int32, program: String, group: Bool = false) -> Bool {
        guard runs(pid, program: program) else { return false }
        return kill(group ? -pid : pid, signal) == 0 || kill(pid, signal) == 0
    }

    /// Waits up to `timeout` for `pid` to stop running `program`; whether it did.
    static func waitForExit(_ pid: Int32, program: String, timeout: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while runs(pid, program: program) {
            if clock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// A port nobody listens on now (bound and released at once).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchFailure.failed("no socket for a free port") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(socket, raw, length) == 0 && getsockname(socket, raw, &length) == 0
            }
        }
        guard bound else { throw BenchFailure.failed("could not bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func answers(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                connect(socket, raw, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
