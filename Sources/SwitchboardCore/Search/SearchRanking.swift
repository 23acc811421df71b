public import Foundation

/// Orders the messages a term lookup found: by how much of the query each contains, rarer terms counting more,
/// then by how recent it is.
///
/// A term's weight is its inverse document frequency among the candidates, `log(1 + n / df)`: in a search for
/// "refund tracking" where every candidate says "refund", "tracking" decides. Coverage is the matched weight
/// over the query's total weight, 0...1, and is the score. Among equal scores the newer message comes first:
/// an agent looking for "refund" wants this week's conversation before last year's.
public enum SearchRanking {
    /// A message found by at least one query term.
    public struct Candidate: Sendable, Hashable {
        public var id: String
        /// Its indexed terms (or at least those among the query's).
        public var terms: Set<String>
        public var createdAt: Date

        public init(id: String, terms: Set<String>, createdAt: Date) {
            self.id = id
            self.terms = terms
            self.createdAt = createdAt
        }
    }

    /// A candidate with its score and the query terms it matched, in query order.
    public struct Ranked: Sendable, Hashable {
        public var candidate: Candidate
        public var score: Double
        public var matchedTerms: [String]
    }

    /// The best `limit` candidates, best first.
    public static func rank(
        _ candidates: [Candidate], queryTerms: [String], limit: Int
    ) -> [Ranked] {
        let count = Double(max(candidates.count, 1))
        var weights: [String: Double] = [:]
        for term in queryTerms {
            let frequency = Double(candidates.count { $0.terms.contains(term) })
            weights[term] = log(1 + count / max(frequency, 1))
        }
        let total = queryTerms.reduce(0) { $0 + (weights[$1] ?? 0) }
        let ranked = candidates.map { candidate in
            let matched = queryTerms.filter { candidate.terms.contains($0) }
            let coverage = total > 0 ? matched.reduce(0) { $0 + (weights[$1] ?? 0) } / total : 0
            return Ranked(candidate: candidate, score: coverage, matchedTerms: matched)
        }
        return Array(
            ranked.sorted { left, right in
                if abs(left.score - right.score) > 1e-9 { return left.score > right.score }
                if left.candidate.createdAt != right.candidate.createdAt {
                    return left.candidate.createdAt > right.candidate.createdAt
                }
                return left.candidate.id < right.candidate.id
            }.prefix(limit))
    }
}
