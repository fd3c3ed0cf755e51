//! Which federal states share a land border: the stand-in for distance when mentors are
//! suggested (a mentor in the same or a neighbouring state is easier to visit, § 3.3 "Vor-Ort-
//! Treffen", "Hospitanzen"). No addresses or coordinates are needed or stored.

use crate::domain::participant::FederalState::{self, *};

/// The states bordering `state` (land borders; Berlin lies inside Brandenburg, Bremen inside
/// Lower Saxony).
pub fn neighbours(state: FederalState) -> &'static [FederalState] {
    match state {
        BW => &[BY, HE, RP],
        BY => &[BW, HE, TH, SN],
        BE => &[BB],
        BB => &[BE, MV, NI, SN, ST],
        HB => &[NI],
        HH => &[NI, SH],
        HE => &[BW, BY, NI, NW, RP, TH],
        MV => &[BB, NI, SH],
        NI => &[BB, HB, HE, HH, MV, NW, SH, ST, TH],
        NW => &[HE, NI, RP],
        RP => &[BW, HE, NW, SL],
        SL => &[RP],
        SN => &[BB, BY, ST, TH],
        ST => &[BB, NI, SN, TH],
        SH => &[HH, MV, NI],
        TH => &[BY, HE, NI, SN, ST],
    }
}

/// Whether two different states share a border.
pub fn are_neighbours(a: FederalState, b: FederalState) -> bool {
    neighbours(a).contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borders_are_symmetric_and_never_self() {
        for state in FederalState::ALL {
            assert!(!are_neighbours(*state, *state), "{state:?}");
            assert!(!neighbours(*state).is_empty(), "{state:?} has neighbours");
            for other in neighbours(*state) {
                assert!(are_neighbours(*other, *state), "{state:?} - {other:?}");
            }
        }
    }

    #[test]
    fn city_states_lie_inside_their_neighbour() {
        assert_eq!(neighbours(BE), &[BB]);
        assert_eq!(neighbours(HB), &[NI]);
        assert!(!are_neighbours(BY, NW));
    }
}
