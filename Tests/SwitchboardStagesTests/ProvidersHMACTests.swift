import Foundation
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("HMAC-SHA256 and HMAC-SHA1 vectors")
struct ProvidersHMACTests {
    private func bytes(_ hex: String) -> [UInt8] {
        var out = [UInt8]()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    @Test func sha256OfKnownStrings() {
        #expect(
            HMAC.hex(HMAC.SHA256.hash([]))
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            HMAC.hex(HMAC.SHA256.hash(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            HMAC.hex(HMAC.SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func sha1OfKnownStrings() {
        #expect(HMAC.hex(HMAC.SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(HMAC.hex(HMAC.SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    /// RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (case 5 is a truncated output).
    @Test(arguments: [
        (
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            "0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        (
            String(repeating: "aa", count: 131),
            "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            String(repeating: "aa", count: 131),
            "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ])
    func hmacSHA256RFC4231(key: String, data: String, expected: String) {
        #expect(HMAC.hex(HMAC.sha256(key: bytes(key), message: bytes(data))) == expected)
    }

    /// RFC 2202 HMAC-SHA1 test cases 1, 2, 3, 6 and 7.
    @Test(arguments: [
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
        ("4a656665", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        (
            String(repeating: "aa", count: 80), "Test Using Larger Than Block-Size Key - Hash Key First",
            "aa4ae5e15272d00e95705637ce8a3b55ed402112"
        ),
        (
            String(repeating: "aa", count: 80),
            "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
            "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"
        ),
    ])
    func hmacSHA1RFC2202(key: String, data: String, expected: String) {
        #expect(HMAC.hex(HMAC.sha1(key: bytes(key), message: Array(data.utf8))) == expected)
    }

    @Test func hmacSHA1RFC2202LongData() {
        let mac = HMAC.sha1(key: [UInt8](repeating: 0xaa, count: 20), message: [UInt8](repeating: 0xdd, count: 50))
        #expect(HMAC.hex(mac) == "125d7342b9ac11cd91a39af48aa17b4f63f175d3")
    }

    @Test func metaSignatureFixtureVerifies() throws {
        let url = TestStack.channelFixtures.appendingPathComponent("whatsapp/signed_text.body.json")
        let body = try [UInt8](Data(contentsOf: url))
        #expect(body.count == 511)
        let mac = HMAC.sha256(key: Array("1222e786b144d0e85b9f365372d93676".utf8), message: body)
        #expect(HMAC.hex(mac) == "54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441")
    }

    @Test func twilioDocsExampleSignsWithHMACSHA1() {
        let signed =
            "https://example.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675310Digits1234From+14158675310To+18005551212"
        let mac = HMAC.sha1(key: Array("12345".utf8), message: Array(signed.utf8))
        #expect(Data(mac).base64EncodedString() == "L/OH5YylLD5NRKLltdqwSvS0BnU=")
    }
}
