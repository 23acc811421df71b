import SwitchboardCore
import Testing

@Suite("What of personal data may go into logs")
struct LogPrivacyTests {
    @Test func addressDigestIsAShortStablePrefixOfTheSHA256() {
        // `printf %s +15550199876 | sha256sum` starts 810a98543bf9.
        let digest = LogPrivacy.addressDigest("+15550199876")
        #expect(digest == "810a98543bf9")
        #expect(digest.count == LogPrivacy.digestLength)
        #expect(digest.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(digest == LogPrivacy.addressDigest("+15550199876"))
        #expect(digest != LogPrivacy.addressDigest("+15550199877"))
        #expect(!digest.contains("5550199876"))
    }

    @Test func addressDigestOfTheEmptyAddressIsTheKnownPrefix() {
        // SHA-256 of no bytes: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.
        #expect(LogPrivacy.addressDigest("") == "e3b0c44298fc")
    }

    @Test(arguments: [
        "The 'To' number +15550199876 is not a valid phone number.",
        "The 'To' number +1 (555) 019-9876 is not a valid phone number.",
        "550 5.1.1 <pii-probe@example.org>: Recipient address rejected",
        "Bad Request: chat 8123456789 not found",
        "media https://cdn.example.org/u/pii-probe.jpg?sig=1 could not be fetched",
    ])
    func scrubbedRemovesAddressesAndURLs(_ text: String) {
        let scrubbed = LogPrivacy.scrubbed(text)
        #expect(scrubbed.contains(LogPrivacy.redaction))
        for probe in ["5550199876", "019-9876", "pii-probe", "example.org", "8123456789", "https://"] {
            #expect(!scrubbed.contains(probe), "\(scrubbed)")
        }
    }

    @Test func scrubbedKeepsVendorCodesAndTheWordsAround() {
        #expect(
            LogPrivacy.scrubbed("(#131030) Recipient phone number not in allowed list")
                == "(#131030) Recipient phone number not in allowed list")
        #expect(
            LogPrivacy.scrubbed("The 'To' number +15550199876 is not valid (21211)")
                == "The 'To' number [redacted] is not valid (21211)")
    }

    @Test func scrubbedTrimsLongText() {
        let long = String(repeating: "reason ", count: 100)
        let scrubbed = LogPrivacy.scrubbed(long, limit: 40)
        #expect(scrubbed.count == 41)
        #expect(scrubbed.hasSuffix("…"))
        #expect(LogPrivacy.scrubbed("short", limit: 40) == "short")
    }
}
