use super::*;
use crate::error::{DecodeError, Error};

#[test]
fn rfc_examples_decode() {
    assert_eq!(
        read_varint(&[0x9d, 0x7f, 0x3e, 0x7d]).unwrap().0,
        494_878_333
    );
    assert_eq!(read_varint(&[0x7b, 0xbd]).unwrap().0, 15_293);
    assert_eq!(read_varint(&[0x25]).unwrap().0, 37);
}

#[test]
fn reserved_prefix_is_rejected() {
    assert_eq!(
        read_varint(&[0xc0, 0, 0, 0, 0, 0, 0, 1]),
        Err(DecodeError::ReservedVarintPrefix)
    );
    let err = decode_exact::<VarBytes>(&[0xc0, 0, 0, 0, 0, 0, 0, 1, 7]).unwrap_err();
    assert_eq!(err, DecodeError::ReservedVarintPrefix);
}

#[test]
fn non_minimal_header_is_rejected() {
    assert_eq!(
        read_varint(&[0x40, 0x3f]),
        Err(DecodeError::NonMinimalVarint)
    );
    assert_eq!(
        read_varint(&[0x80, 0x00, 0x3f, 0xff]),
        Err(DecodeError::NonMinimalVarint)
    );
    let err = decode_exact::<VarBytes>(&[0x40, 0x01, 7]).unwrap_err();
    assert_eq!(err, DecodeError::NonMinimalVarint);
}

#[test]
fn length_beyond_input_is_rejected_without_allocating() {
    // Claims 2^30 - 1 bytes with none present: must fail before reserving memory.
    let err = decode_exact::<VarBytes>(&[0xbf, 0xff, 0xff, 0xff]).unwrap_err();
    assert_eq!(err, DecodeError::LengthExceedsInput);
    let err = decode_exact::<VarVec<u16>>(&[0xbf, 0xff, 0xff, 0xff, 0, 1]).unwrap_err();
    assert_eq!(err, DecodeError::LengthExceedsInput);
    // The streaming path grows with the bytes that arrive.
    let err = VarBytes::tls_deserialize(&mut &[0xbf, 0xff, 0xff, 0xff, 1][..]).unwrap_err();
    assert_eq!(DecodeError::from(err), DecodeError::LengthExceedsInput);
}

#[test]
fn truncated_header_is_end_of_input() {
    assert!(matches!(
        read_varint(&[0x80, 0x00]),
        Err(DecodeError::EndOfInput { .. })
    ));
    assert!(matches!(
        read_varint(&[]),
        Err(DecodeError::EndOfInput { .. })
    ));
}

#[test]
fn trailing_bytes_are_rejected() {
    let err = decode_exact::<VarBytes>(&[0x01, 0xaa, 0xbb]).unwrap_err();
    assert_eq!(err, DecodeError::TrailingBytes(1));
}

#[test]
fn vector_of_elements_roundtrips_and_checks_element_bounds() {
    let v = VarVec::new(vec![1u16, 2, 0xffff]);
    let bytes = encode(&v).unwrap();
    assert_eq!(bytes, [0x06, 0, 1, 0, 2, 0xff, 0xff]);
    assert_eq!(decode_exact::<VarVec<u16>>(&bytes).unwrap(), v);
    // A content length that splits an element in half.
    assert!(decode_exact::<VarVec<u16>>(&[0x03, 0, 1, 0]).is_err());
}

#[test]
fn invalid_optional_is_typed() {
    let err = decode_exact::<Option<u8>>(&[2, 0]).unwrap_err();
    assert_eq!(err, DecodeError::InvalidOptional(2));
}

#[test]
fn header_boundaries_are_minimal() {
    for (value, len) in [
        (0, 1),
        (63, 1),
        (64, 2),
        (16_383, 2),
        (16_384, 4),
        (MAX_VARINT, 4),
    ] {
        let mut out = Vec::new();
        assert_eq!(write_varint(value, &mut out).unwrap(), len);
        assert_eq!(read_varint(&out).unwrap(), (value, &[][..]));
    }
    assert!(write_varint(MAX_VARINT + 1, &mut Vec::new()).is_err());
}

#[test]
fn encode_reports_oversized_vectors_as_misuse() {
    let big = VarBytes::new(vec![0u8; MAX_VARINT + 1]);
    assert!(matches!(encode(&big), Err(Error::Misuse(_))));
}

proptest::proptest! {
    #[test]
    fn any_input_decodes_or_errors(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
        let _ = decode_exact::<VarBytes>(&bytes);
        let _ = decode_exact::<VarVec<VarBytes>>(&bytes);
        let _ = read_varint(&bytes);
    }

    #[test]
    fn roundtrip(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
        let v = VarBytes::new(bytes);
        let enc = encode(&v).unwrap();
        proptest::prop_assert_eq!(decode_exact::<VarBytes>(&enc).unwrap(), v);
    }
}
