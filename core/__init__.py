"""What every layer may import: plain values shared by the domain, storage and the channels."""
