"""Province abbreviations (省份简称), the first character of every plate."""

from __future__ import annotations

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# The abbreviations whose character differs in Traditional Chinese (滬A12345),
# and their Simplified forms, in the same order.
TRADITIONAL_PROVINCES = "滬粵蘇遼貴魯晉陝寧雲瓊閩贛"
_SIMPLIFIED_OF_TRADITIONAL = "沪粤苏辽贵鲁晋陕宁云琼闽赣"
# str.translate table: 滬 → 沪 …
TO_SIMPLIFIED = str.maketrans(TRADITIONAL_PROVINCES, _SIMPLIFIED_OF_TRADITIONAL)
