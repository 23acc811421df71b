import Foundation
import Synchronization

/// Fetched media, before it is stored.
public struct FetchedMedia: Sendable {
    public var bytes: [UInt8]
    /// The type the vendor declared (WhatsApp's `mime_type`, the download's `Content-Type`), if any.
    public var declaredType: String?
    /// WhatsApp's SHA-256 of the file, to check the bytes against.
    public var expectedSHA256: String?
}

/// One attempt at fetching a ``MediaSource``: the vendor's lookup, then the download, streamed and aborted as
/// soon as it passes the size limit. Redirects are followed by hand (at most 5), and the `Authorization`
/// header goes only to the host it was meant for.
public struct MediaDownloader: Sendable {
    public let http: ProviderHTTPClient
    public let policy: MediaPolicy

    public init(http: ProviderHTTPClient, policy: MediaPolicy) {
        self.http = http
        self.policy = policy
    }

    public func fetch(_ source: MediaSource) async -> Result<FetchedMedia, MediaFetchFailure> {
        switch source {
        case .whatsAppCloud(let lookup): await fetchWhatsApp(lookup)
        case .telegram(let getFile, let fileBase): await fetchTelegram(getFile, fileBase: fileBase)
        case .direct(let request): await download(request, vendor: "media host")
        }
    }

    private struct WhatsAppMedia: Decodable {
        var url: String
        var mime_type: String?
        var sha256: String?
        var file_size: Int?
    }

    private func fetchWhatsApp(_ lookup: ProviderHTTPRequest) async -> Result<FetchedMedia, MediaFetchFailure> {
        let answer: WhatsAppMedia
        switch await json(lookup, as: WhatsAppMedia.self, vendor: "WhatsApp") {
        case .success(let value): answer = value
        case .failure(let failure): return .failure(failure)
        }
        if let size = answer.file_size, let problem = policy.sizeProblem(size) { return .failure(.permanent(problem)) }
        if let type = answer.mime_type, let problem = policy.typeProblem(type) { return .failure(.permanent(problem)) }
        guard let url = URL(string: answer.url), url.scheme == "https" || url.scheme == "http" else {
            return .failure(.permanent("WhatsApp gave no valid media URL"))
        }
        let result = await download(
            ProviderHTTPRequest(method: "GET", url: url, headers: lookup.headers), vendor: "WhatsApp")
        return result.map { fetched in
            var fetched = fetched
            fetched.declaredType = answer.mime_type ?? fetched.declaredType
            fetched.expectedSHA256 = answer.sha256
            return fetched
        }
    }

    private struct TelegramFile: Decodable {
        struct File: Decodable {
            var file_path: String?
            var file_size: Int?
        }
        var ok: Bool
        var result: File?
    }

    private func fetchTelegram(
        _ getFile: ProviderHTTPRequest, fileBase: String
    ) async -> Result<FetchedMedia, MediaFetchFailure> {
        let answer: TelegramFile
        switch await json(getFile, as: TelegramFile.self, vendor: "Telegram") {
        case .success(let value): answer = value
        case .failure(let failure): return .failure(failure)
        }
        guard answer.ok, let path = answer.result?.file_path, !path.isEmpty, !path.contains(".."),
            let url = URL(string: "\(fileBase)/\(path)")
        else { return .failure(.permanent("Telegram gave no file path")) }
        if let size = answer.result?.file_size, let problem = policy.sizeProblem(size) {
            return .failure(.permanent(problem))
        }
        return await download(ProviderHTTPRequest(method: "GET", url: url), vendor: "Telegram")
    }

    private func json<T: Decodable>(
        _ request: ProviderHTTPRequest, as type: T.Type, vendor: String
    ) async -> Result<T, MediaFetchFailure> {
        let response: ProviderHTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            return .failure(.transport(error, from: vendor))
        }
        guard response.isSuccess else { return .failure(.status(response.status, from: vendor)) }
        guard let value = try? JSONDecoder().decode(T.self, from: Data(response.body)) else {
            return .failure(.permanent("\(vendor) answered with an unexpected body"))
        }
        return .success(value)
    }

    /// Collects a download's body, refusing more than the limit.
    private final class Collector: Sendable {
        struct State {
            var bytes: [UInt8] = []
            var tooLarge = false
        }
        let state = Mutex(State())
    }

    private struct TooLarge: Error {}

    func download(_ request: ProviderHTTPRequest, vendor: String) async -> Result<FetchedMedia, MediaFetchFailure> {
        var request = request
        let limit = policy.maxBytes
        for _ in 0...5 {
            let collector = Collector()
            let response: ProviderHTTPResponse
            do {
                response = try await http.stream(request) { piece in
                    try collector.state.withLock { state in
                        guard state.bytes.count + piece.count <= limit else {
                            state.tooLarge = true
                            throw TooLarge()
                        }
                        state.bytes += piece
                    }
                }
            } catch {
                if collector.state.withLock({ $0.tooLarge }) {
                    return .failure(.permanent("media is larger than \(limit) bytes"))
                }
                return .failure(.transport(error, from: vendor))
            }
            if [301, 302, 303, 307, 308].contains(response.status) {
                guard let location = response.header("Location"),
                    let next = URL(string: location, relativeTo: request.url)?.absoluteURL
                else { return .failure(.permanent("\(vendor) redirected nowhere")) }
                var headers = request.headers
                if next.host?.lowercased() != request.url.host?.lowercased() { headers["Authorization"] = nil }
                request = ProviderHTTPRequest(method: "GET", url: next, headers: headers)
                continue
            }
            guard response.isSuccess else { return .failure(.status(response.status, from: vendor)) }
            return .success(
                FetchedMedia(
                    bytes: collector.state.withLock({ $0.bytes }), declaredType: response.header("Content-Type"),
                    expectedSHA256: nil))
        }
        return .failure(.permanent("\(vendor) redirected too many times"))
    }
}
