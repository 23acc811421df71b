import Foundation
import SwitchboardCore
import Testing

@Suite("search: terms, ranking and snippets, without I/O")
struct SearchUnitTests {
    @Test func termsAreWholeWordsWithoutCaseOrAccents() {
        #expect(
            SearchText.terms("Where's my CAFÉ order #1234? Order it, please!")
                == ["where", "my", "cafe", "order", "1234", "it", "please"])
        #expect(SearchText.terms("a b c") == [], "single letters are not terms")
        #expect(SearchText.terms("Refund?") == SearchText.terms("refund"), "a query matches as text is indexed")
        #expect(SearchText.terms(String(repeating: "x", count: 100)) == [String(repeating: "x", count: 40)])
        #expect(SearchText.terms((1...100).map { "w\($0)" }.joined(separator: " ")).count == 64)
    }

    @Test func tokensKeepWhereTheyStand() throws {
        let text = "Mon colis n'est pas arrivé"
        let token = try #require(SearchText.tokens(text).first { $0.term == "arrive" })
        #expect(text[token.range] == "arrivé")
    }

    @Test func moreOfTheQueryRanksHigherAndRarerTermsCountMore() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func candidate(_ id: String, _ terms: Set<String>, daysAgo: Double = 1) -> SearchRanking.Candidate {
            .init(id: id, terms: terms, createdAt: now.addingTimeInterval(-daysAgo * 86_400))
        }
        let candidates = [
            candidate("refund-only-new", ["refund", "please"], daysAgo: 0),
            candidate("refund-only-old", ["refund"], daysAgo: 9),
            candidate("both", ["refund", "tracking"], daysAgo: 30),
            candidate("tracking-only", ["tracking"], daysAgo: 5),
            candidate("refund-again", ["refund"], daysAgo: 3),
        ]
        let ranked = SearchRanking.rank(candidates, queryTerms: ["refund", "tracking"], limit: 10)
        #expect(
            ranked.map(\.candidate.id) == [
                "both", "tracking-only", "refund-only-new", "refund-again", "refund-only-old",
            ])
        #expect(ranked[0].score == 1)
        #expect(ranked[0].matchedTerms == ["refund", "tracking"])
        #expect(ranked[1].score > ranked[2].score, "the rarer term weighs more")
        #expect(
            SearchRanking.rank(candidates, queryTerms: ["refund"], limit: 2).map(\.candidate.id) == [
                "refund-only-new", "refund-again",
            ])
    }

    @Test func theSnippetMarksEachMatchInTheOriginalSpelling() {
        let snippet = SearchSnippet(text: "My REFUND for order 17 — the refund is late.", terms: ["refund", "late"])
        #expect(snippet.marked() == "My [REFUND] for order 17 — the [refund] is [late].")
        #expect(snippet.segments.filter(\.match).map(\.text) == ["REFUND", "refund", "late"])
    }

    @Test func aLongTextIsCutAroundTheFirstMatch() {
        let text =
            String(repeating: "lorem ipsum ", count: 40) + "where is my parcel "
            + String(repeating: "dolor ", count: 60)
        let snippet = SearchSnippet(text: text, terms: ["parcel"], width: 80)
        let marked = snippet.marked()
        #expect(marked.hasPrefix("…"))
        #expect(marked.hasSuffix("…"))
        #expect(marked.contains("where is my [parcel]"))
        #expect(marked.count <= 80 + 4)
    }

    @Test func noMatchShowsTheStart() {
        #expect(SearchSnippet(text: "hello there", terms: ["refund"]).marked() == "hello there")
    }

    @Test func queriesAreBounded() {
        let query = SearchQuery(tenantId: "demo", text: (1...30).map { "w\($0)" }.joined(separator: " "), limit: 5000)
        #expect(query.terms.count == 10)
        #expect(query.limit == SearchQuery.maximumLimit)
    }
}
