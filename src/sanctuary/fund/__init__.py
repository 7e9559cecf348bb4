"""The protective security fund: allocating a funding round's budget to sites' security packages."""
