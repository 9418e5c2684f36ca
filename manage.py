#!/usr/bin/env python
from onemind.__main__ import main

if __name__ == "__main__":
    main()
