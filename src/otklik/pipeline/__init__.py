"""The ordered stages a new message goes through: normalize → detect → classify → locate → route → schedule → notify."""
