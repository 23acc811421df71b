/// Pure-Swift HMAC (RFC 2104) over SHA-256 and SHA-1 for vendor webhook signatures
/// (Meta `X-Hub-Signature-256`, Twilio `X-Twilio-Signature`).
///
/// swift-crypto is not a dependency of this package, so the two digests live here. They are only
/// used on webhook bodies and short signing strings, so clarity wins over speed.
public enum HMAC {
    /// HMAC-SHA256 of `message` keyed with `key` (32 bytes).
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        mac(key: key, message: message, blockSize: 64, hash: SHA256.hash)
    }

    /// HMAC-SHA1 of `message` keyed with `key` (20 bytes).
    public static func sha1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        mac(key: key, message: message, blockSize: 64, hash: SHA1.hash)
    }

    /// Lowercase hexadecimal rendering of `bytes`, as in `sha256=<hex>` headers.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func mac(
        key: [UInt8], message: [UInt8], blockSize: Int, hash: ([UInt8]) -> [UInt8]
    ) -> [UInt8] {
        var block = key.count > blockSize ? hash(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = hash(block.map { $0 ^ 0x36 } + message)
        return hash(block.map { $0 ^ 0x5c } + inner)
    }

    /// SHA-256 (FIPS 180-4).
    public enum SHA256 {
        private static let k: [UInt32] = [
            0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
            0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
            0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
            0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
            0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
            0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
            0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
            0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
            0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
            0xc671_78f2,
        ]

        /// The 32-byte digest of `message`.
        public static func hash(_ message: [UInt8]) -> [UInt8] {
            var h: [UInt32] = [
                0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab,
                0x5be0_cd19,
            ]
            var w = [UInt32](repeating: 0, count: 64)
            for chunk in HMAC.padded(message).chunks {
                for i in 0..<16 { w[i] = HMAC.word(chunk, at: i * 4) }
                for i in 16..<64 {
                    let s0 = w[i - 15].rotr(7) ^ w[i - 15].rotr(18) ^ (w[i - 15] >> 3)
                    let s1 = w[i - 2].rotr(17) ^ w[i - 2].rotr(19) ^ (w[i - 2] >> 10)
                    w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                }
                var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
                for i in 0..<64 {
                    let s1 = e.rotr(6) ^ e.rotr(11) ^ e.rotr(25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                    let s0 = a.rotr(2) ^ a.rotr(13) ^ a.rotr(22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    hh = g
                    g = f
                    f = e
                    e = d &+ t1
                    d = c
                    c = b
                    b = a
                    a = t1 &+ t2
                }
                h[0] &+= a
                h[1] &+= b
                h[2] &+= c
                h[3] &+= d
                h[4] &+= e
                h[5] &+= f
                h[6] &+= g
                h[7] &+= hh
            }
            return h.flatMap(HMAC.bigEndianBytes)
        }
    }

    /// SHA-1 (FIPS 180-4); only for HMAC-SHA1 signatures that vendors still use.
    public enum SHA1 {
        /// The 20-byte digest of `message`.
        public static func hash(_ message: [UInt8]) -> [UInt8] {
            var h: [UInt32] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0]
            var w = [UInt32](repeating: 0, count: 80)
            for chunk in HMAC.padded(message).chunks {
                for i in 0..<16 { w[i] = HMAC.word(chunk, at: i * 4) }
                for i in 16..<80 { w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotl(1) }
                var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
                for i in 0..<80 {
                    let (f, k): (UInt32, UInt32)
                    switch i {
                    case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5a82_7999)
                    case 20..<40: (f, k) = (b ^ c ^ d, 0x6ed9_eba1)
                    case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8f1b_bcdc)
                    default: (f, k) = (b ^ c ^ d, 0xca62_c1d6)
                    }
                    let t = a.rotl(5) &+ f &+ e &+ k &+ w[i]
                    e = d
                    d = c
                    c = b.rotl(30)
                    b = a
                    a = t
                }
                h[0] &+= a
                h[1] &+= b
                h[2] &+= c
                h[3] &+= d
                h[4] &+= e
            }
            return h.flatMap(HMAC.bigEndianBytes)
        }
    }

    /// Message padded to a multiple of 64 bytes with the 64-bit big-endian bit length (both digests).
    fileprivate static func padded(_ message: [UInt8]) -> (bytes: [UInt8], chunks: [ArraySlice<UInt8>]) {
        var bytes = message
        let bitLength = UInt64(message.count) &* 8
        bytes.append(0x80)
        while bytes.count % 64 != 56 { bytes.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        let chunks = stride(from: 0, to: bytes.count, by: 64).map { bytes[$0..<$0 + 64] }
        return (bytes, chunks)
    }

    fileprivate static func word(_ chunk: ArraySlice<UInt8>, at offset: Int) -> UInt32 {
        let base = chunk.startIndex + offset
        return UInt32(chunk[base]) << 24 | UInt32(chunk[base + 1]) << 16 | UInt32(chunk[base + 2]) << 8
            | UInt32(chunk[base + 3])
    }

    fileprivate static func bigEndianBytes(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }
}

extension UInt32 {
    fileprivate func rotr(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
    fileprivate func rotl(_ n: UInt32) -> UInt32 { (self << n) | (self >> (32 - n)) }
}
